import { amiBake } from './ami-bake';
import { createJobFunction } from './job-function';

/** Lambda entry point of the ami-bake job (EventBridge Scheduler target, and its shard queue's consumer). */
export const handler = createJobFunction(amiBake);
