import { createJobHandler } from './handler';
import { portSweep } from './port-sweep';

/** Lambda entry point of the port-sweep job (EventBridge Scheduler target). */
export const handler = createJobHandler(portSweep);
