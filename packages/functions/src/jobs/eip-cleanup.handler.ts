import { eipCleanup } from './eip-cleanup';
import { createJobHandler } from './handler';

/** Lambda entry point of the eip-cleanup job (EventBridge Scheduler target). */
export const handler = createJobHandler(eipCleanup);
