import { eipCleanup } from './eip-cleanup';
import { createJobFunction } from './job-function';

/** Lambda entry point of the eip-cleanup job (EventBridge Scheduler target, and its shard queue's consumer). */
export const handler = createJobFunction(eipCleanup);
