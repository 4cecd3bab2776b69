import { SUBNET_ID } from '../aws-ids';
import type { LaunchConfig } from '../config/launch';
import type { Role } from '../config/roles';
import type { StageConfig } from '../config/schema';
import { ForbiddenError, InputError } from '../errors';
import { evaluateInstanceType, type ParsedInstanceType } from '../instance-type';
import { formatDuration, parseDuration } from '../time/durations';
import { toInstant } from '../time/instant';
import { type InstanceTagKeys, instanceTagKeys } from './tags';

/**
 * The pure half of `/ec2 launch`: everything that can be refused before asking EC2 (TTL, count,
 * subnet, instance type for the role), the tags, and the RunInstances request itself.
 */
export interface LaunchArgs {
  image?: string | undefined;
  type?: string | undefined;
  name?: string | undefined;
  count: number;
  /** Milliseconds. */
  ttl?: number | undefined;
  subnet?: string | undefined;
}

export function readLaunchArgs(args: Record<string, string | number | boolean>): LaunchArgs {
  const text = (key: string) => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
  return {
    image: text('image'),
    type: text('type')?.toLowerCase(),
    name: text('name'),
    count: typeof args['count'] === 'number' ? args['count'] : 1,
    ttl: typeof args['ttl'] === 'number' ? args['ttl'] : undefined,
    subnet: text('subnet'),
  };
}

/** The TTL in ms: the stage default when absent, refused beyond the stage maximum. */
export function resolveTtl(ttlMs: number | undefined, launch: LaunchConfig): number {
  const max = parseDuration(launch.maxTtl)!;
  const ttl = ttlMs ?? parseDuration(launch.defaultTtl)!;
  if (ttl > max) {
    throw new InputError(
      'launch.ttl-too-long',
      `A TTL of ${formatDuration(ttl)} is longer than this stage allows (${launch.maxTtl}).`,
      {
        hint: `Ask for ttl=${launch.maxTtl} or less; \`/ec2 extend\` can push it later, within the same maximum.`,
      },
    );
  }
  return ttl;
}

export function checkCount(count: number, launch: LaunchConfig): void {
  if (count > launch.maxCount) {
    throw new InputError(
      'launch.count-too-high',
      `count=${count} is more than this stage launches per request (${launch.maxCount}).`,
      { hint: `Ask for count=${launch.maxCount} or fewer.` },
    );
  }
}

/** Refused when the person would own more pending or running managed instances than allowed. */
export function checkRunningLimit(owned: number, count: number, launch: LaunchConfig): void {
  if (owned + count > launch.maxRunningPerUser) {
    throw new ForbiddenError(
      'launch.user-limit',
      `You already have ${owned} pending or running instance${owned === 1 ? '' : 's'}; ${count} more would pass this stage's limit of ${launch.maxRunningPerUser} per person.`,
      { hint: 'Stop or terminate one first (`/ec2 list mine`).' },
    );
  }
}

/** The subnet id to launch into, or undefined for EC2's default subnet. */
export function resolveSubnet(subnet: string | undefined, launch: LaunchConfig): string | undefined {
  const wanted = subnet ?? launch.subnets.default;
  if (wanted === undefined) return undefined;
  const aliases = launch.subnets.aliases;
  if (wanted in aliases) return aliases[wanted];
  if (SUBNET_ID.test(wanted)) {
    const listed = Object.values(aliases);
    if (listed.length === 0 || listed.includes(wanted)) return wanted;
    throw new ForbiddenError(
      'launch.subnet-not-allowed',
      `${wanted} is not one of this stage's launch subnets.`,
      {
        hint: `Use one of: ${Object.keys(aliases).join(', ')}.`,
      },
    );
  }
  throw new InputError(
    'launch.subnet-unknown',
    `"${wanted}" is neither a subnet id nor a subnet alias of this stage.`,
    {
      hint: Object.keys(aliases).length
        ? `Subnet aliases: ${Object.keys(aliases).join(', ')}.`
        : 'Give a subnet id such as subnet-0123456789abcdef0.',
    },
  );
}

/**
 * The instance type for this request, checked against the role. `approved` (an approver said
 * yes) lets a type that would need approval through; a refused type is refused either way.
 */
export function checkType(
  type: string,
  role: string,
  approved: boolean,
  launch: LaunchConfig,
): ParsedInstanceType {
  const decision = evaluateInstanceType(type, role, launch.types.roles, launch.types.choices);
  if (decision.kind === 'ok') return decision.type;
  if (decision.kind === 'approval') {
    if (approved) return decision.type;
    throw new ForbiddenError('launch.type-needs-approval', `${decision.reason}.`);
  }
  const hint = decision.suggestions.length
    ? `Try ${decision.suggestions.map((s) => `type=${s}`).join(', ')}.`
    : 'Ask an ec2ops admin which instance types this stage allows.';
  if (decision.code === 'launch.type-malformed')
    throw new InputError(decision.code, decision.reason, { hint });
  throw new ForbiddenError(decision.code, decision.reason, { hint });
}

/** The stage's type choices this role may launch without approval (the form, suggestions). */
export function typeChoicesFor(role: string, launch: LaunchConfig): string[] {
  return launch.types.choices.filter(
    (t) => evaluateInstanceType(t, role, launch.types.roles, launch.types.choices).kind === 'ok',
  );
}

/** `needsApproval` of `/ec2 launch`: a type beyond the role's size that a higher role may launch. */
/** What the approval check of `/ec2 launch` reads of a parsed request (instances sit below commands). */
export interface LaunchApprovalInput {
  args: Record<string, string | number | boolean>;
  user: { id: string; role: Role };
}

export function launchNeedsApproval(request: LaunchApprovalInput, config: StageConfig): string | undefined {
  const type = readLaunchArgs(request.args).type;
  if (type === undefined) return undefined;
  const decision = evaluateInstanceType(
    type,
    request.user.role,
    config.launch.types.roles,
    config.launch.types.choices,
  );
  return decision.kind === 'approval' ? decision.reason : undefined;
}

/** When the instance expires: from the approval when there was one, else from the request. */
export function expiresAt(
  request: { requestedAt: string; approval?: { at: string } | undefined },
  ttlMs: number,
): string {
  const from = Date.parse(request.approval?.at ?? request.requestedAt);
  return toInstant((Number.isFinite(from) ? from : 0) + ttlMs);
}

export interface LaunchTagInput {
  name: string;
  owner: string;
  expiresAt: string;
  stage: string;
  requestId: string;
  alias?: string | undefined;
}

export function launchTags(input: LaunchTagInput, keys: InstanceTagKeys): Record<string, string> {
  return {
    Name: input.name,
    [keys.managed]: 'true',
    [keys.owner]: input.owner,
    [keys.expiresAt]: input.expiresAt,
    [keys.stage]: input.stage,
    [keys.requestId]: input.requestId,
    ...(input.alias ? { [keys.imageAlias]: input.alias } : {}),
  };
}

/** The default Name: who asked and what, e.g. `alice-al2023`. */
export function defaultName(user: { id: string; name?: string | undefined }, image: string): string {
  const who = (user.name ?? user.id).toLowerCase().replace(/[^a-z0-9-]/g, '');
  const what = image.replace(/[^A-Za-z0-9.-]/g, '').slice(0, 40);
  return `${who || 'ec2ops'}-${what}`;
}

/** RunInstances parameters (the SDK's member names; core imports no SDK). */
export interface RunInstancesRequest {
  ImageId: string;
  InstanceType: string;
  MinCount: number;
  MaxCount: number;
  ClientToken: string;
  SubnetId?: string;
  SecurityGroupIds?: string[];
  IamInstanceProfile?: { Name?: string; Arn?: string };
  KeyName?: string;
  MetadataOptions: { HttpTokens: 'required'; HttpEndpoint: 'enabled' };
  BlockDeviceMappings: {
    DeviceName: string;
    Ebs: { VolumeSize: number; VolumeType: 'gp3'; Encrypted: true; DeleteOnTermination: true };
  }[];
  TagSpecifications: { ResourceType: 'instance' | 'volume'; Tags: { Key: string; Value: string }[] }[];
}

export interface LaunchPlan {
  imageId: string;
  rootDeviceName: string;
  /** The image's root volume size: the root volume is never smaller. */
  imageRootGiB?: number | undefined;
  type: string;
  count: number;
  subnetId?: string | undefined;
  clientToken: string;
  tags: Record<string, string>;
}

export function runInstancesRequest(plan: LaunchPlan, launch: LaunchConfig): RunInstancesRequest {
  const tags = Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value }));
  const profile = launch.instanceProfile;
  return {
    ImageId: plan.imageId,
    InstanceType: plan.type,
    // All or nothing: a partial launch would leave the person guessing.
    MinCount: plan.count,
    MaxCount: plan.count,
    ClientToken: plan.clientToken,
    ...(plan.subnetId ? { SubnetId: plan.subnetId } : {}),
    ...(launch.securityGroups.length ? { SecurityGroupIds: [...launch.securityGroups] } : {}),
    ...(profile
      ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } }
      : {}),
    ...(launch.keyName ? { KeyName: launch.keyName } : {}),
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    BlockDeviceMappings: [
      {
        DeviceName: plan.rootDeviceName,
        Ebs: {
          VolumeSize: Math.max(launch.rootVolumeGiB, plan.imageRootGiB ?? 0),
          VolumeType: 'gp3',
          Encrypted: true,
          DeleteOnTermination: true,
        },
      },
    ],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags.map((t) => ({ ...t })) },
    ],
  };
}

export { instanceTagKeys };
