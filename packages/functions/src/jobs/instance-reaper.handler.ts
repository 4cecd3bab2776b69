import { createJobHandler } from './handler';

/** Lambda entry point of the instance-reaper job (EventBridge Scheduler target). */
export const handler = createJobHandler('instance-reaper');
