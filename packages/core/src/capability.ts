/**
 * Metadata every command and job declares about itself. Infra derives each function's IAM
 * policy from these declarations (nothing is listed twice by hand), the sandbox scheduler and
 * the SST cron definitions read the same job schedules, and help text comes from the same place.
 */

/** Where a function runs: IAM is granted per function, so each capability names its runner. */
export type FunctionName = 'slack' | 'worker' | 'ami-bake' | 'eip-cleanup' | 'port-sweep' | 'instance-reaper';

/**
 * The name each function is deployed as (its SST component, so its Lambda and role names), which
 * is also its access key id against the sandbox's EC2 emulator. The one table both name sets come
 * from: the composition root's FunctionName is this table's values.
 */
export const DEPLOYED_NAMES = {
  slack: 'Slack',
  worker: 'Worker',
  'ami-bake': 'AmiBakeJob',
  'eip-cleanup': 'EipCleanupJob',
  'port-sweep': 'PortSweepJob',
  'instance-reaper': 'InstanceReaperJob',
} as const satisfies Record<FunctionName, string>;

export type DeployedFunctionName = (typeof DEPLOYED_NAMES)[FunctionName];

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

/**
 * What CreateImage needs besides the grant on the instance, declared once for the nightly bake and
 * `/ec2 ami bake` alike (security data written twice drifts): the new image and its snapshots
 * must carry the managed tag as they are created, which also needs CreateTags on create.
 */
export const CREATE_IMAGE_OUTPUTS: readonly IamNeed[] = [
  {
    actions: ['ec2:CreateImage'],
    resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
    condition: { StringEquals: { 'aws:RequestTag/{tagPrefix}managed': 'true' } },
    why: 'The new image and its snapshots are tagged managed as they are created',
  },
  {
    actions: ['ec2:CreateTags'],
    condition: { StringEquals: { 'ec2:CreateAction': 'CreateImage' } },
    why: 'Tag images and snapshots as they are created',
  },
];
