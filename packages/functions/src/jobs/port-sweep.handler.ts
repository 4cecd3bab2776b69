import { createJobFunction } from './job-function';
import { portSweep } from './port-sweep';

/** Lambda entry point of the port-sweep job (EventBridge Scheduler target, and its shard queue's consumer). */
export const handler = createJobFunction(portSweep);
