import { createJobHandler } from './handler';

/** Lambda entry point of the ami-bake job (EventBridge Scheduler target). */
export const handler = createJobHandler('ami-bake');
