import type { JobName } from '@ec2ops/core/jobs/types';
import { amiBake } from './ami-bake';
import { eipCleanup } from './eip-cleanup';
import { instanceReaper } from './instance-reaper';
import { portSweep } from './port-sweep';
import type { JobImplementation } from './types';

/**
 * Job implementations by name. A job not listed here is "not implemented yet": the runner and
 * `ec2ops job run` refuse it clearly. Add yours with one line (see core/src/jobs/README.md).
 */
export const JOB_IMPLEMENTATIONS: Partial<Record<JobName, JobImplementation>> = {
  'eip-cleanup': eipCleanup,
  'ami-bake': amiBake,
  'port-sweep': portSweep,
  'instance-reaper': instanceReaper,
};
