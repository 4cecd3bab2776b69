import { securityGroups, subnets } from '../ec2/model';
import type { Params } from '../ec2/query';
import { type Context, type Ec2Scope, ec2Arn, existingResource } from './ec2-resources';

/**
 * What EC2 authorizes for one request: one check per resource the action touches, each with the
 * ARN and the condition keys IAM sees (EC2's service authorization reference). An action that
 * names no resource type is checked once against `*`. Resources the request creates are named
 * `<type>/*` and carry the tags requested for them (`aws:RequestTag/*`, `aws:TagKeys`); tagging
 * them in the same call is also checked as `ec2:CreateTags` with `ec2:CreateAction`.
 */
export interface Ec2Check {
  action: string;
  resource: string;
  context: Context;
}

export interface Ec2Request extends Ec2Scope {
  action: string;
  params: Params;
}

type Builder = (request: Ec2Request) => Ec2Check[];

interface RequestedTag {
  key: string;
  value: string;
}

/** The request's own tags, read leniently: a malformed tag is the handler's to refuse. */
function tagsIn(params: Params | undefined, key = 'Tag'): RequestedTag[] {
  return (params?.list(key) ?? []).map((t) => ({
    key: t.string('Key') ?? '',
    value: t.string('Value') ?? '',
  }));
}

function tagSpecifications(params: Params): Map<string, RequestedTag[]> {
  const out = new Map<string, RequestedTag[]>();
  for (const spec of params.list('TagSpecification')) {
    const type = spec.string('ResourceType') ?? '';
    out.set(type, [...(out.get(type) ?? []), ...tagsIn(spec)]);
  }
  return out;
}

function requestTagContext(tags: readonly RequestedTag[] | undefined): Context {
  if (!tags || tags.length === 0) return {};
  const context: Context = { 'aws:TagKeys': [...new Set(tags.map((t) => t.key))] };
  for (const { key, value } of tags) context[`aws:RequestTag/${key}`] = value;
  return context;
}

const check = (
  request: Ec2Request,
  resource: string,
  context: Context = {},
  action = request.action,
): Ec2Check => ({
  action: `ec2:${action}`,
  resource,
  // aws:PrincipalAccount: the launch policy names the stage's own images as `ec2:Owner` = it.
  context: {
    'aws:RequestedRegion': request.region,
    'ec2:Region': request.region,
    'aws:PrincipalAccount': request.accountId,
    ...context,
  },
});

/** Requests that named an id EC2 does not know (see `ec2Checks`). */
const namedUnknown = new WeakSet<Ec2Request>();

/** Existing resources by id; an id EC2 does not know is left to the handler's NotFound. */
function existing(
  request: Ec2Request,
  ids: readonly (string | undefined)[],
  extra: Context = {},
): Ec2Check[] {
  const out: Ec2Check[] = [];
  for (const id of new Set(ids)) {
    const found = id ? existingResource(request, id) : undefined;
    if (found) out.push(check(request, found.arn, { ...found.context, ...extra }));
    else if (id) namedUnknown.add(request);
  }
  return out;
}

/** A resource the request creates, with the tags asked for it, and the tag-on-create check. */
function created(request: Ec2Request, type: string, context: Context = {}): Ec2Check[] {
  const tags = tagSpecifications(request.params).get(type);
  const arn = ec2Arn(request, type, '*');
  const tagContext = requestTagContext(tags);
  const out = [check(request, arn, { ...context, ...tagContext })];
  if (tags?.length) {
    out.push(check(request, arn, { ...tagContext, 'ec2:CreateAction': request.action }, 'CreateTags'));
  }
  return out;
}

const idsOf = (params: Params, key: string) => params.strings(key);

function runInstances(request: Ec2Request): Ec2Check[] {
  const { params, state } = request;
  const nic = params.list('NetworkInterface')[0];
  const subnetId = params.string('SubnetId') ?? nic?.string('SubnetId');
  const zone = params.child('Placement')?.string('AvailabilityZone');
  const subnet = subnetId
    ? subnets.in(state).get(subnetId)
    : [...subnets.in(state).values()].find((s) => s.defaultForAz && (!zone || s.availabilityZone === zone));
  let groupIds = [...idsOf(params, 'SecurityGroupId'), ...(nic ? idsOf(nic, 'SecurityGroupId') : [])];
  if (groupIds.length === 0 && subnet) {
    const fallback = [...securityGroups.in(state).values()].find(
      (g) => g.groupName === 'default' && g.vpcId === subnet.vpcId,
    );
    groupIds = fallback ? [fallback.id] : [];
  }
  const profile = params.child('IamInstanceProfile');
  const profileArn =
    profile?.string('Arn') ??
    (profile?.string('Name')
      ? `arn:aws:iam::${request.accountId}:instance-profile/${profile.string('Name')}`
      : undefined);
  const root = params.list('BlockDeviceMapping')[0]?.child('Ebs');
  const keyName = params.string('KeyName');
  const vpc = subnet ? { 'ec2:Vpc': ec2Arn(request, 'vpc', subnet.vpcId) } : {};
  return [
    ...created(request, 'instance', {
      'ec2:InstanceType': params.string('InstanceType') ?? 'm1.small',
      'ec2:MetadataHttpTokens': params.child('MetadataOptions')?.string('HttpTokens') ?? 'optional',
      'ec2:Tenancy': params.child('Placement')?.string('Tenancy') ?? 'default',
      'ec2:RootDeviceType': 'ebs',
      ...(profileArn ? { 'ec2:InstanceProfile': profileArn } : {}),
      ...vpc,
    }),
    ...created(request, 'volume', {
      'ec2:Encrypted': root?.string('Encrypted')?.toLowerCase() === 'true' ? 'true' : 'false',
      ...(root?.string('VolumeType') ? { 'ec2:VolumeType': root.string('VolumeType')! } : {}),
      ...(root?.string('VolumeSize') ? { 'ec2:VolumeSize': root.string('VolumeSize')! } : {}),
    }),
    ...created(request, 'network-interface', {
      ...vpc,
      ...(subnet ? { 'ec2:Subnet': ec2Arn(request, 'subnet', subnet.id) } : {}),
    }),
    ...existing(request, [params.string('ImageId')]),
    ...existing(request, [subnet?.id]),
    ...existing(request, groupIds),
    ...existing(request, [params.child('LaunchTemplate')?.string('LaunchTemplateId')]),
    ...(keyName ? [check(request, ec2Arn(request, 'key-pair', keyName))] : []),
    ...(profileArn ? [passRole(request, profileArn)] : []),
  ];
}

/**
 * Giving an instance a profile passes the profile's role to EC2. The emulator has no IAM, so the
 * role is taken to have the profile's name (what the console and most templates create).
 */
function passRole(request: Ec2Request, profileArn: string): Ec2Check {
  const name = profileArn.slice(profileArn.lastIndexOf('/') + 1);
  return {
    action: 'iam:PassRole',
    resource: `arn:aws:iam::${request.accountId}:role/${name}`,
    context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'aws:RequestedRegion': request.region },
  };
}

/** The group by id, or by name in the default VPC (what EC2 accepts for GroupName). */
function groupOf(request: Ec2Request): (string | undefined)[] {
  const id = request.params.string('GroupId');
  if (id) return [id];
  const name = request.params.string('GroupName');
  const defaultVpcGroups = [...securityGroups.in(request.state).values()].filter((g) => g.groupName === name);
  return defaultVpcGroups.map((g) => g.id).slice(0, 1);
}

const onInstances: Builder = (r) => existing(r, idsOf(r.params, 'InstanceId'));
const ruleChange =
  (ruleIds: (params: Params) => string[]): Builder =>
  (r) => [...existing(r, groupOf(r)), ...existing(r, ruleIds(r.params))];

const onImage: Builder = (r) => existing(r, [r.params.string('ImageId')]);
const onSnapshot: Builder = (r) => existing(r, [r.params.string('SnapshotId')]);
const binned = (r: Ec2Request, type: string, id: string | undefined): Ec2Check[] =>
  id ? [check(r, ec2Arn(r, type, id))] : [];

const BUILDERS: Record<string, Builder> = {
  RunInstances: runInstances,
  StartInstances: onInstances,
  StopInstances: onInstances,
  RebootInstances: onInstances,
  TerminateInstances: onInstances,
  CreateImage: (r) => [
    ...existing(r, [r.params.string('InstanceId')]),
    ...created(r, 'image'),
    ...created(r, 'snapshot'),
  ],
  DeregisterImage: (r) => existing(r, [r.params.string('ImageId')]),
  DeleteSnapshot: (r) => existing(r, [r.params.string('SnapshotId')]),
  // Image lifecycle: the image (or snapshot) acted on; a copy is a new image and new snapshots.
  CopyImage: (r) => [...created(r, 'image'), ...created(r, 'snapshot')],
  EnableImageDeprecation: onImage,
  DisableImageDeprecation: onImage,
  EnableImageDeregistrationProtection: onImage,
  DisableImageDeregistrationProtection: onImage,
  DescribeImageAttribute: onImage,
  ModifyImageAttribute: onImage,
  ResetImageAttribute: onImage,
  ModifySnapshotAttribute: onSnapshot,
  DescribeSnapshotAttribute: onSnapshot,
  // What is in the Recycle Bin is not among EC2's live resources: named by ARN from the request.
  RestoreImageFromRecycleBin: (r) => binned(r, 'image', r.params.string('ImageId')),
  RestoreSnapshotFromRecycleBin: (r) => binned(r, 'snapshot', r.params.string('SnapshotId')),
  CreateTags: (r) => existing(r, idsOf(r.params, 'ResourceId'), requestTagContext(tagsIn(r.params))),
  DeleteTags: (r) => {
    const keys = tagsIn(r.params).map((t) => t.key);
    return existing(r, idsOf(r.params, 'ResourceId'), keys.length ? { 'aws:TagKeys': keys } : {});
  },
  AllocateAddress: (r) => created(r, 'elastic-ip'),
  AssociateAddress: (r) =>
    existing(r, [
      r.params.string('AllocationId'),
      r.params.string('InstanceId'),
      r.params.string('NetworkInterfaceId'),
    ]),
  ReleaseAddress: (r) => existing(r, [r.params.string('AllocationId')]),
  CreateSecurityGroup: (r) => [...created(r, 'security-group'), ...existing(r, [r.params.string('VpcId')])],
  DeleteSecurityGroup: (r) => existing(r, groupOf(r)),
  AuthorizeSecurityGroupIngress: (r) => [...existing(r, groupOf(r)), ...created(r, 'security-group-rule')],
  AuthorizeSecurityGroupEgress: (r) => [...existing(r, groupOf(r)), ...created(r, 'security-group-rule')],
  RevokeSecurityGroupIngress: ruleChange((p) => idsOf(p, 'SecurityGroupRuleId')),
  RevokeSecurityGroupEgress: ruleChange((p) => idsOf(p, 'SecurityGroupRuleId')),
  UpdateSecurityGroupRuleDescriptionsIngress: ruleChange((p) =>
    p.list('SecurityGroupRuleDescription').flatMap((d) => d.string('SecurityGroupRuleId') ?? []),
  ),
  UpdateSecurityGroupRuleDescriptionsEgress: ruleChange((p) =>
    p.list('SecurityGroupRuleDescription').flatMap((d) => d.string('SecurityGroupRuleId') ?? []),
  ),
  ModifySecurityGroupRules: ruleChange((p) =>
    p.list('SecurityGroupRule').flatMap((d) => d.string('SecurityGroupRuleId') ?? []),
  ),
};

/** Every check a request needs; all must be allowed. */
export function ec2Checks(request: Ec2Request): Ec2Check[] {
  const builder = BUILDERS[request.action];
  const checks = builder ? builder(request) : [];
  if (checks.length) return checks;
  // Every id it named is unknown: the action answers NotFound and changes nothing (a second
  // release of an address another run just released must read "already gone", not a denial).
  if (namedUnknown.has(request)) return [];
  // Describe* and the like name no resource.
  return [check(request, '*')];
}
