import * as z from 'zod';
import { SECURITY_GROUP_ID, SUBNET_ID } from '../aws-ids';
import { FAMILY_PATTERN, parseInstanceType, sizeFactor } from '../instance-type';
import { durationSchema, parseDuration } from '../time/durations';

/**
 * `launch`: what `/ec2 launch` may start and how. Checked purely in core (instances/launch.ts)
 * before any EC2 call; the image catalog is resolved against EC2 by the worker.
 */
const ALIAS = /^[a-z][a-z0-9.-]{0,30}$/;

const instanceType = z.string().refine((v) => parseInstanceType(v) !== undefined, {
  message: 'must be an instance type such as t3.micro or m7g.xlarge',
});

const imageAlias = z
  .object({
    /** Image owner: `amazon`, `self`, `aws-marketplace` or a 12-digit account id. */
    owner: z
      .string()
      .regex(
        /^(self|amazon|aws-marketplace|\d{12})$/,
        'must be self, amazon, aws-marketplace or a 12-digit account id',
      ),
    /** EC2 name filter, `*` and `?` as wildcards, e.g. `al2023-ami-2023.*-kernel-6.1-*`. */
    name: z.string().min(1).max(128),
    /** Used when the request names no instance type (otherwise the type's architecture decides). */
    architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
    description: z.string().max(100).optional(),
  })
  .strict();

const typeLimit = z
  .object({
    /** Families (`t3`, `m7g`) or globs (`m7*`). */
    families: z.array(
      z.string().regex(FAMILY_PATTERN, 'must be an instance family such as t3, m7g or a glob such as m7*'),
    ),
    /** Largest size, e.g. `large`, `2xlarge`. */
    maxSize: z.string().refine((v) => sizeFactor(v) !== undefined, {
      message: 'must be a size such as micro, large, xlarge or 4xlarge',
    }),
  })
  .strict();

const DEFAULT_FAMILIES = ['t3', 't3a', 't4g', 'm7i', 'm7a', 'm7g', 'c7i', 'c7g', 'r7i', 'r7g'];

export const launchSchema = z
  .object({
    /** TTL when `ttl=` is not given. */
    defaultTtl: durationSchema.default('8h'),
    /** The longest `ttl=` and the furthest `/ec2 extend` may push an expiry from now. */
    maxTtl: durationSchema.default('7d'),
    /** Largest `count=` per request. */
    maxCount: z.number().int().min(1).max(50).default(3),
    /** Pending or running managed instances one person may own at once, all regions. */
    maxRunningPerUser: z.number().int().min(1).max(1000).default(5),
    /** How long the worker waits for a launch to be running before answering "still pending". */
    waitSeconds: z.number().int().min(0).max(45).default(30),
    images: z
      .object({
        /** Alias → the newest available image of an owner whose name matches. */
        aliases: z.record(z.string(), imageAlias).default({}),
        /**
         * SSM parameters launch templates may name their image by (`resolve:ssm:<name>`); the
         * only ones ec2ops may read. AWS's public image parameters by default.
         */
        ssmParameters: z
          .array(z.string().regex(/^\/[\w.\-/*]{1,2047}$/, 'must be a parameter name such as /aws/service/*'))
          .max(20)
          .default(['/aws/service/*']),
      })
      .strict()
      .prefault({}),
    types: z
      .object({
        /** The type used when `type=` is not given, per architecture of the image. */
        default: z
          .object({ x86_64: instanceType.default('t3.micro'), arm64: instanceType.default('t4g.micro') })
          .strict()
          .prefault({}),
        /** Per role: allowed families and largest size; larger sizes need an approver. */
        roles: z
          .object({
            viewer: typeLimit.optional(),
            operator: typeLimit.optional(),
            admin: typeLimit.optional(),
          })
          .strict()
          .default({
            operator: { families: DEFAULT_FAMILIES, maxSize: 'large' },
            admin: { families: DEFAULT_FAMILIES, maxSize: '4xlarge' },
          }),
        /** Offered in the launch modal and as suggestions (filtered to what the role may launch). */
        choices: z
          .array(instanceType)
          .min(1)
          .max(100)
          .default([
            't3.micro',
            't3.small',
            't3.medium',
            't3.large',
            't4g.micro',
            't4g.small',
            'm7g.large',
            'm7i.large',
            'm7i.xlarge',
            'c7g.xlarge',
          ]),
      })
      .strict()
      .prefault({}),
    subnets: z
      .object({
        /** Subnet (id or alias) when `subnet=` is not given; EC2's default subnet when absent. */
        default: z.string().optional(),
        /** Alias → subnet id, in the stage's first region (where launches go). */
        aliases: z
          .record(
            z.string(),
            z.string().regex(SUBNET_ID, 'must be a subnet id such as subnet-0123456789abcdef0'),
          )
          .default({}),
      })
      .strict()
      .prefault({}),
    /** Security groups of every launched instance (the VPC's default group when empty). */
    securityGroups: z
      .array(z.string().regex(SECURITY_GROUP_ID, 'must be a security group id such as sg-0123456789abcdef0'))
      .max(5)
      .default([]),
    /** Instance profile (name or ARN): the instance's IAM role. ec2ops never puts access keys on a box. */
    instanceProfile: z
      .string()
      .regex(
        /^(arn:aws[a-z-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]+|[\w+=,.@-]{1,128})$/,
        'must be an instance profile name or ARN',
      )
      .optional(),
    /**
     * The IAM role inside `instanceProfile`: the only role ec2ops may pass to EC2. Defaults to
     * the profile's own name (what the IAM console creates for a role used by EC2).
     */
    instanceRole: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .optional(),
    /** Key pair for SSH; none by default (Session Manager is the way in). */
    keyName: z.string().min(1).max(255).optional(),
    /** Encrypted gp3 root volume, deleted with the instance; at least the image's own size. */
    rootVolumeGiB: z.number().int().min(1).max(16_384).default(20),
  })
  .strict()
  .superRefine((launch, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if ((parseDuration(launch.defaultTtl) ?? 0) > (parseDuration(launch.maxTtl) ?? 0)) {
      issue(['defaultTtl'], 'must not be longer than maxTtl');
    }
    for (const alias of Object.keys(launch.images.aliases)) {
      if (!ALIAS.test(alias))
        issue(['images', 'aliases', alias], 'must be a lower-case alias such as al2023');
    }
    for (const alias of Object.keys(launch.subnets.aliases)) {
      if (!ALIAS.test(alias))
        issue(['subnets', 'aliases', alias], 'must be a lower-case alias such as private-a');
    }
    const def = launch.subnets.default;
    if (def !== undefined && !SUBNET_ID.test(def) && !(def in launch.subnets.aliases)) {
      issue(
        ['subnets', 'default'],
        `"${def}" is neither a subnet id nor one of the aliases (${Object.keys(launch.subnets.aliases).join(', ') || 'none'})`,
      );
    }
  });

export type LaunchConfig = z.infer<typeof launchSchema>;

/** The role ec2ops passes to EC2 with the instance profile, or none without a profile. */
export function instanceRoleName(
  launch: Pick<LaunchConfig, 'instanceProfile' | 'instanceRole'>,
): string | undefined {
  if (launch.instanceRole) return launch.instanceRole;
  return launch.instanceProfile?.split('/').pop();
}
