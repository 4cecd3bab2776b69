import { instanceReaper } from './instance-reaper';
import { createJobFunction } from './job-function';

/** Lambda entry point of the instance-reaper job (EventBridge Scheduler target, and its shard queue's consumer). */
export const handler = createJobFunction(instanceReaper);
