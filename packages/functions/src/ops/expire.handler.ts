import { build } from '../root';
import { expireHandler } from './root';

/** Lambda entry point that EventBridge Scheduler invokes at a rule's expiry (infra/ops.ts). */
export const handler = expireHandler(build({ fn: 'Expire', env: process.env }));
