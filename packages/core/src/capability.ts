/**
 * Metadata every command and job declares about itself. Infra derives each function's IAM
 * policy from these declarations (nothing is listed twice by hand), the sandbox scheduler and
 * the SST cron definitions read the same job schedules, and help text comes from the same place.
 */

/** Where a function runs: IAM is granted per function, so each capability names its runner. */
export type FunctionName = 'slack' | 'worker' | 'ami-bake' | 'eip-cleanup' | 'port-sweep' | 'instance-reaper';

/**
 * One IAM need. `condition` uses IAM's JSON condition shape; `{tagPrefix}` inside keys or values
 * is replaced with the stage's tag prefix when the policy is built.
 */
export interface IamNeed {
  actions: string[];
  /** Defaults to `*` (EC2 Describe* calls support no resource-level permissions). */
  resources?: string[];
  condition?: Record<string, Record<string, string | string[]>>;
  /** Why the grant is there, shown to security reviewers in the generated policy's Sid. */
  why: string;
}
