import { build } from '../root';
import { createWorkerHandler } from './batch';
import { workerRoot } from './root';

/** Lambda entry point (SQS, partial batch responses). Built once per cold start. */
export const handler = createWorkerHandler(workerRoot(build({ fn: 'Worker', env: process.env })));
