import { createJobHandler } from './handler';

/** Lambda entry point of the port-sweep job (EventBridge Scheduler target). */
export const handler = createJobHandler('port-sweep');
