import { CREATE_IMAGE_OUTPUTS, type FunctionName, type IamNeed } from './capability';

export const JOB_NAMES = ['ami-bake', 'eip-cleanup', 'port-sweep', 'instance-reaper'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function isJobName(value: string): value is JobName {
  return (JOB_NAMES as readonly string[]).includes(value);
}

/** How a job names its actions in reports: `release` → done "released", planned "would release". */
export type ActionVerbs = Record<string, { done: string; planned: string }>;

/**
 * The one definition of every scheduled job. Infra reads it for the SST cron (schedule, time
 * zone) and the job function's IAM policy; the sandbox's local scheduler reads the same
 * schedules; `ec2ops job run` and the README list the names from here.
 */
export interface JobDefinition {
  name: JobName;
  /** The Lambda function that runs it (IAM is granted per function). */
  function: FunctionName;
  description: string;
  /** Default EventBridge Scheduler expression and IANA time zone; a stage can override both. */
  schedule: { expression: string; timeZone: string };
  /** How reports name this job's actions. */
  verbs: ActionVerbs;
  iam: IamNeed[];
}

const describe = (actions: string[], why: string): IamNeed => ({ actions, why });

/** EC2 tag conditions: the job may only touch what ec2ops manages. */
const managedOnly = { StringEquals: { 'aws:ResourceTag/{tagPrefix}managed': 'true' } };

export const JOB_CATALOG: Record<JobName, JobDefinition> = {
  'ami-bake': {
    name: 'ami-bake',
    function: 'ami-bake',
    description:
      'Bakes an AMI of every managed instance tagged bake=nightly, then applies retention (never an image in use).',
    schedule: { expression: 'cron(0 3 * * ? *)', timeZone: 'UTC' },
    verbs: {
      bake: { done: 'baked', planned: 'would bake' },
      'mark-available': { done: 'marked available', planned: 'would mark available' },
      deregister: { done: 'deregistered', planned: 'would deregister' },
      'delete-snapshot': { done: 'deleted snapshot', planned: 'would delete snapshot' },
      copy: { done: 'copied', planned: 'would copy' },
      deprecate: { done: 'deprecated', planned: 'would deprecate' },
      share: { done: 'shared', planned: 'would share' },
    },
    iam: [
      describe(
        [
          'ec2:DescribeInstances',
          'ec2:DescribeImages',
          'ec2:DescribeSnapshots',
          'ec2:DescribeLaunchTemplates',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:DescribeImageAttribute',
        ],
        'Find instances to bake, their images, snapshots and every launch-template version that may use an image',
      ),
      describe(
        ['autoscaling:DescribeLaunchConfigurations'],
        'Launch configurations pin an image: retention keeps every image one of them names',
      ),
      {
        actions: ['ssm:GetParameters'],
        resources: ['arn:aws:ssm:*:*:parameter/*'],
        why: 'Resolve launch-template versions that name their image as resolve:ssm:… (ResolveAlias)',
      },
      {
        actions: ['ec2:CreateImage'],
        resources: ['arn:aws:ec2:*:*:instance/*'],
        condition: { StringEquals: { 'aws:ResourceTag/{tagPrefix}bake': 'nightly' } },
        why: 'Bake images of managed instances tagged bake=nightly only',
      },
      ...CREATE_IMAGE_OUTPUTS,
      {
        actions: ['ec2:CreateTags'],
        resources: ['arn:aws:ec2:*::image/*'],
        condition: {
          ...managedOnly,
          'ForAllValues:StringEquals': {
            'aws:TagKeys': ['{tagPrefix}available-at', '{tagPrefix}approved', '{tagPrefix}shared-with'],
          },
        },
        why: 'Mark baked images available (and approved when the stage auto-approves), and shared once',
      },
      {
        actions: ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
        condition: managedOnly,
        why: 'Retention: remove old managed images and their snapshots',
      },
      {
        actions: ['ec2:CopyImage'],
        resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
        condition: { StringLike: { 'aws:RequestTag/{tagPrefix}source-image': 'ami-*' } },
        why: 'Copy baked images to the bake.copyTo regions; each copy names its source image as it is created',
      },
      {
        actions: ['ec2:CreateTags'],
        condition: { StringEquals: { 'ec2:CreateAction': 'CopyImage' } },
        why: 'Tag copies and their snapshots as they are created',
      },
      {
        actions: ['ec2:EnableImageDeprecation'],
        resources: ['arn:aws:ec2:*::image/*'],
        condition: managedOnly,
        why: 'Deprecate baked images and their copies bake.deprecateAfter after baking',
      },
      {
        actions: ['ec2:ModifyImageAttribute', 'ec2:ModifySnapshotAttribute'],
        resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
        condition: managedOnly,
        why: 'Share baked images (and their snapshots, for accounts) with bake.shareWith',
      },
      {
        actions: ['organizations:DescribeOrganization'],
        why: 'Expand `org` and bare ou-… ids in bake.shareWith to the ARNs EC2 launch permissions name',
      },
      {
        actions: ['rbin:ListRules', 'rbin:GetRule'],
        why: 'Say in reports until when deleted images and snapshots can be restored from the Recycle Bin',
      },
    ],
  },
  'eip-cleanup': {
    name: 'eip-cleanup',
    function: 'eip-cleanup',
    description:
      'Marks idle Elastic IPs, releases those idle longer than the grace period, and reports the money saved.',
    schedule: { expression: 'rate(1 hour)', timeZone: 'UTC' },
    verbs: {
      release: { done: 'released', planned: 'would release' },
      mark: { done: 'marked idle', planned: 'would mark idle' },
      unmark: { done: 'un-marked', planned: 'would un-mark' },
      warn: { done: 'owners warned', planned: 'would warn owner' },
    },
    iam: [
      describe(['ec2:DescribeAddresses'], 'Read Elastic IPs, their associations and tags'),
      {
        actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
        resources: ['arn:aws:ec2:*:*:elastic-ip/*'],
        why: 'Record and clear idle-since / warned-at on Elastic IPs (scope "all" includes unmanaged ones)',
      },
      {
        actions: ['ec2:ReleaseAddress'],
        resources: ['arn:aws:ec2:*:*:elastic-ip/*'],
        why: 'Release Elastic IPs idle longer than the grace period',
      },
    ],
  },
  'port-sweep': {
    name: 'port-sweep',
    function: 'port-sweep',
    description: 'Closes temporary security-group rules whose expires-at has passed.',
    schedule: { expression: 'rate(1 minute)', timeZone: 'UTC' },
    verbs: {
      revoke: { done: 'closed', planned: 'would close' },
      warn: { done: 'owners warned', planned: 'would warn owner' },
    },
    iam: [
      describe(
        ['ec2:DescribeSecurityGroupRules'],
        'Find managed rules by tag (server-side filter) and re-read them',
      ),
      {
        actions: ['ec2:RevokeSecurityGroupIngress'],
        resources: ['arn:aws:ec2:*:*:security-group/*'],
        why: 'Close expired managed rules by rule id',
      },
      {
        actions: ['ec2:CreateTags'],
        resources: ['arn:aws:ec2:*:*:security-group-rule/*'],
        condition: {
          ...managedOnly,
          'ForAllValues:StringEquals': {
            'aws:TagKeys': ['{tagPrefix}close-failures', '{tagPrefix}warned-for'],
          },
        },
        why: 'Count failed closes and record the expiry warning on managed rules',
      },
    ],
  },
  'instance-reaper': {
    name: 'instance-reaper',
    function: 'instance-reaper',
    description: 'Warns owners, then stops or terminates managed instances whose expires-at has passed.',
    schedule: { expression: 'rate(15 minutes)', timeZone: 'UTC' },
    verbs: {
      warn: { done: 'owners warned', planned: 'would warn owner' },
      stop: { done: 'stopped', planned: 'would stop' },
      terminate: { done: 'terminated', planned: 'would terminate' },
    },
    iam: [
      describe(
        ['ec2:DescribeInstances'],
        'Find managed instances and their expiry, and re-read each before acting',
      ),
      {
        actions: ['ec2:StopInstances', 'ec2:TerminateInstances'],
        resources: ['arn:aws:ec2:*:*:instance/*'],
        condition: managedOnly,
        why: 'Stop or terminate expired managed instances only',
      },
      {
        actions: ['ec2:CreateTags'],
        resources: ['arn:aws:ec2:*:*:instance/*'],
        condition: {
          ...managedOnly,
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}warned-for'] },
        },
        why: 'Record which expiry the owner was warned about',
      },
    ],
  },
};

export const JOB_DEFINITIONS: JobDefinition[] = Object.values(JOB_CATALOG);
