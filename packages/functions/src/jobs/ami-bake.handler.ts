import { amiBake } from './ami-bake';
import { createJobHandler } from './handler';

/** Lambda entry point of the ami-bake job (EventBridge Scheduler target). */
export const handler = createJobHandler(amiBake);
