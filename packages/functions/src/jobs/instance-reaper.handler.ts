import { createJobHandler } from './handler';
import { instanceReaper } from './instance-reaper';

/** Lambda entry point of the instance-reaper job (EventBridge Scheduler target). */
export const handler = createJobHandler(instanceReaper);
