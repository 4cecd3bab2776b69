import { Ec2opsError } from '@ec2ops/core';
import type { JobName, JobReport } from '@ec2ops/core/jobs';
import { amiBake } from './ami-bake';
import { eipCleanup } from './eip-cleanup';
import { instanceReaper } from './instance-reaper';
import { portSweep } from './port-sweep';
import { runJobWith } from './run';
import type { JobImplementation, RunJobDeps } from './types';

/**
 * Job implementations by name, for what runs any job (the CLI, the sandbox, tests). A Lambda
 * entry imports only its own job (see ./handler.ts), so its bundle holds no other job's code. A job not listed here is "not implemented yet": the runner and
 * `ec2ops job run` refuse it clearly. Add yours with one line (see core/src/jobs/README.md).
 */
export const JOB_IMPLEMENTATIONS: Partial<Record<JobName, JobImplementation>> = {
  'eip-cleanup': eipCleanup,
  'ami-bake': amiBake,
  'port-sweep': portSweep,
  'instance-reaper': instanceReaper,
};

export class JobNotImplementedError extends Ec2opsError {
  constructor(name: JobName) {
    super('job.not-implemented', `The ${name} job is not implemented yet.`, {
      hint: 'See `ec2ops job run --help` for the jobs this build implements.',
    });
  }
}

export function jobImplementation(name: JobName): JobImplementation {
  const implementation = JOB_IMPLEMENTATIONS[name] as JobImplementation | undefined;
  if (!implementation) throw new JobNotImplementedError(name);
  return implementation;
}

/** Runs the job of this name (see runJobWith). */
export function runJob(name: JobName, deps: RunJobDeps): Promise<JobReport> {
  return runJobWith(jobImplementation(name), deps);
}
