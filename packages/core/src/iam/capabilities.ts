import type { FunctionName, IamNeed } from '../capability';
import type { Capability } from './policy';

/** Every `/ec2` command runs in the worker (the slack function only parses and enqueues). */
export function commandCapabilities(specs: readonly { name: string; iam: IamNeed[] }[]): Capability[] {
  return specs.map((spec) => ({ label: `command "${spec.name}"`, runsIn: 'worker', iam: spec.iam }));
}

/** Each job runs in the function its catalog entry names. */
export function jobCapabilities(
  jobs: readonly { name: string; function: FunctionName; iam: IamNeed[] }[],
): Capability[] {
  return jobs.map((job) => ({ label: `job "${job.name}"`, runsIn: job.function, iam: job.iam }));
}
