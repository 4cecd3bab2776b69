import { Ec2ApiError } from '../errors';
import { ID_KINDS, isWellFormed, malformed, newId } from '../ids';
import { type SecurityGroupRecord, securityGroups, vpcs } from '../model';
// The default VPC and its `default` group come from the seed; this area adds their rules.
import '../seed';
import { type BaseRecord, defineCollection, type RegionState, registerSeeder, type Tag } from '../store';
import type { XmlObject } from '../xml';
import type { RuleSource, RuleSpec } from './ip-permissions';

/**
 * Security-group rules, one record per source as EC2 keeps them (`sgr-…`, taggable). Groups
 * are the `securityGroups` records of model.ts; DescribeSecurityGroups folds their rules back
 * into `ipPermissions`.
 */
export interface SecurityGroupRuleRecord extends BaseRecord {
  tags: Tag[];
  groupId: string;
  isEgress: boolean;
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  referencedUserId?: string;
  description?: string;
  createdAt: number;
}

export const securityGroupRules = defineCollection<SecurityGroupRuleRecord>(
  'securityGroupRules',
  ID_KINDS.securityGroupRule,
);

/** EC2's default quota: rules per direction, counted separately for IPv4 and IPv6. */
export const MAX_RULES_PER_DIRECTION = 60;
/** EC2's default quota of security groups per VPC. */
export const MAX_GROUPS_PER_VPC = 2500;

const INITIALIZED = 'securityGroupRulesInitialized';

function initialized(state: RegionState): Record<string, 1> {
  let marks = state.extra[INITIALIZED] as Record<string, 1> | undefined;
  if (!marks || typeof marks !== 'object') {
    marks = {};
    state.extra[INITIALIZED] = marks;
  }
  return marks;
}

export function newRule(
  group: SecurityGroupRecord,
  isEgress: boolean,
  spec: Omit<RuleSpec, 'source'> & { source: RuleSource },
  now: number,
  tags: Tag[] = [],
): SecurityGroupRuleRecord {
  const record: SecurityGroupRuleRecord = {
    id: newId(ID_KINDS.securityGroupRule),
    tags: tags.map((t) => ({ ...t })),
    groupId: group.id,
    isEgress,
    ipProtocol: spec.ipProtocol,
    fromPort: spec.fromPort,
    toPort: spec.toPort,
    createdAt: now,
  };
  const source = spec.source;
  if (source.kind === 'ipv4') record.cidrIpv4 = source.cidr;
  else if (source.kind === 'ipv6') record.cidrIpv6 = source.cidr;
  else if (source.kind === 'prefix-list') record.prefixListId = source.prefixListId;
  else {
    record.referencedGroupId = source.groupId;
    record.referencedUserId = source.userId ?? group.ownerId;
  }
  if (spec.description !== undefined && spec.description !== '') record.description = spec.description;
  return record;
}

/** Every new VPC group allows all outbound traffic; a `default` group also allows itself in. */
export function addDefaultRules(state: RegionState, group: SecurityGroupRecord, now: number): void {
  const rules = securityGroupRules.in(state);
  const all = { ipProtocol: '-1', fromPort: -1, toPort: -1, description: undefined };
  if (group.groupName === 'default') {
    const self = newRule(group, false, { ...all, source: { kind: 'group', groupId: group.id } }, now);
    rules.set(self.id, self);
  }
  const egress = newRule(group, true, { ...all, source: { kind: 'ipv4', cidr: '0.0.0.0/0' } }, now);
  rules.set(egress.id, egress);
  initialized(state)[group.id] = 1;
}

/**
 * Gives groups created elsewhere (the seed, CreateVpc) their default rules the first time the
 * security-group area looks at them.
 */
export function ensureDefaultRules(state: RegionState, now: number): void {
  const marks = initialized(state);
  for (const group of securityGroups.in(state).values()) {
    if (marks[group.id] !== 1) addDefaultRules(state, group, now);
  }
}

export function forgetGroup(state: RegionState, groupId: string): void {
  delete initialized(state)[groupId];
}

registerSeeder((state, store) => ensureDefaultRules(state, store.clock.now()), 30);

export function defaultVpcId(state: RegionState): string | undefined {
  for (const vpc of vpcs.in(state).values()) if (vpc.isDefault) return vpc.id;
  return undefined;
}

export function groupNotFound(idOrName: string, vpcId?: string): Ec2ApiError {
  const where = vpcId ? ` in default VPC '${vpcId}'` : '';
  return new Ec2ApiError('InvalidGroup.NotFound', `The security group '${idOrName}' does not exist${where}`);
}

/** A group by id: malformed ids and unknown ids get EC2's two different codes. */
export function requireGroupById(state: RegionState, groupId: string): SecurityGroupRecord {
  if (!isWellFormed(groupId, ID_KINDS.securityGroup)) throw malformed(ID_KINDS.securityGroup, groupId);
  const group = securityGroups.in(state).get(groupId);
  if (!group) throw groupNotFound(groupId);
  return group;
}

export function findGroupByName(
  state: RegionState,
  name: string,
  vpcId: string | undefined,
): SecurityGroupRecord | undefined {
  if (!vpcId) return undefined;
  for (const group of securityGroups.in(state).values()) {
    if (group.groupName === name && group.vpcId === vpcId) return group;
  }
  return undefined;
}

/** `GroupId`, or `GroupName` (which, as in EC2, names a group of the default VPC). */
export function requireGroup(
  state: RegionState,
  groupId: string | undefined,
  groupName: string | undefined,
): SecurityGroupRecord {
  if (groupId) return requireGroupById(state, groupId);
  if (groupName) {
    const vpcId = defaultVpcId(state);
    const group = findGroupByName(state, groupName, vpcId);
    if (!group) throw groupNotFound(groupName, vpcId);
    return group;
  }
  throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

export function rulesOfGroup(state: RegionState, groupId: string): SecurityGroupRuleRecord[] {
  const out: SecurityGroupRuleRecord[] = [];
  for (const rule of securityGroupRules.in(state).values()) if (rule.groupId === groupId) out.push(rule);
  return out;
}

/** One pass over every rule, grouped by security group (for describing many groups at once). */
export function rulesByGroup(state: RegionState): Map<string, SecurityGroupRuleRecord[]> {
  const out = new Map<string, SecurityGroupRuleRecord[]>();
  for (const rule of securityGroupRules.in(state).values()) {
    let list = out.get(rule.groupId);
    if (!list) {
      list = [];
      out.set(rule.groupId, list);
    }
    list.push(rule);
  }
  return out;
}

export function ruleSource(rule: SecurityGroupRuleRecord): RuleSource {
  if (rule.cidrIpv4 !== undefined) return { kind: 'ipv4', cidr: rule.cidrIpv4 };
  if (rule.cidrIpv6 !== undefined) return { kind: 'ipv6', cidr: rule.cidrIpv6 };
  if (rule.prefixListId !== undefined) return { kind: 'prefix-list', prefixListId: rule.prefixListId };
  return { kind: 'group', groupId: rule.referencedGroupId, userId: rule.referencedUserId };
}

/** `arn:aws:ec2:<region>:<account>:<type>/<id>`, in the region's partition. */
export function ec2Arn(region: string, accountId: string, type: string, id: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ec2:${region}:${accountId}:${type}/${id}`;
}

/** A rule as DescribeSecurityGroupRules and Authorize* return it (`SecurityGroupRule`). */
export function ruleXml(rule: SecurityGroupRuleRecord, ownerId: string, region: string): XmlObject {
  return {
    securityGroupRuleId: rule.id,
    groupId: rule.groupId,
    groupOwnerId: ownerId,
    isEgress: rule.isEgress,
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    cidrIpv4: rule.cidrIpv4,
    cidrIpv6: rule.cidrIpv6,
    prefixListId: rule.prefixListId,
    referencedGroupInfo: rule.referencedGroupId
      ? { groupId: rule.referencedGroupId, userId: rule.referencedUserId ?? ownerId }
      : undefined,
    description: rule.description,
    tagSet: rule.tags.map((t) => ({ key: t.key, value: t.value })),
    securityGroupRuleArn: ec2Arn(region, ownerId, 'security-group-rule', rule.id),
  };
}

interface PermissionBucket {
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  groups: XmlObject[];
  ipRanges: XmlObject[];
  ipv6Ranges: XmlObject[];
  prefixListIds: XmlObject[];
}

/** Folds rules into EC2's `IpPermission` shape: one entry per protocol and port range. */
export function permissionsXml(rules: Iterable<SecurityGroupRuleRecord | RuleSpecLike>): XmlObject[] {
  const buckets = new Map<string, PermissionBucket>();
  for (const rule of rules) {
    const key = `${rule.ipProtocol}|${rule.fromPort}|${rule.toPort}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = {
        ipProtocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        groups: [],
        ipRanges: [],
        ipv6Ranges: [],
        prefixListIds: [],
      };
      buckets.set(key, bucket);
    }
    const source = 'source' in rule ? rule.source : ruleSource(rule);
    const description = rule.description;
    if (source.kind === 'ipv4') bucket.ipRanges.push({ cidrIp: source.cidr, description });
    else if (source.kind === 'ipv6') bucket.ipv6Ranges.push({ cidrIpv6: source.cidr, description });
    else if (source.kind === 'prefix-list')
      bucket.prefixListIds.push({ prefixListId: source.prefixListId, description });
    else
      bucket.groups.push({
        groupId: source.groupId,
        groupName: source.groupName,
        userId: source.userId,
        description,
      });
  }
  return [...buckets.values()].map((b) => ({
    ipProtocol: b.ipProtocol,
    fromPort: b.ipProtocol === '-1' ? undefined : b.fromPort,
    toPort: b.ipProtocol === '-1' ? undefined : b.toPort,
    groups: b.groups,
    ipRanges: b.ipRanges,
    ipv6Ranges: b.ipv6Ranges,
    prefixListIds: b.prefixListIds,
  }));
}

type RuleSpecLike = Pick<RuleSpec, 'ipProtocol' | 'fromPort' | 'toPort' | 'source' | 'description'>;

export function groupXml(
  group: SecurityGroupRecord,
  rules: SecurityGroupRuleRecord[],
  region: string,
): XmlObject {
  return {
    ownerId: group.ownerId,
    groupName: group.groupName,
    groupId: group.id,
    groupDescription: group.description,
    ipPermissions: permissionsXml(rules.filter((r) => !r.isEgress)),
    ipPermissionsEgress: permissionsXml(rules.filter((r) => r.isEgress)),
    vpcId: group.vpcId,
    tagSet: group.tags.length > 0 ? group.tags.map((t) => ({ key: t.key, value: t.value })) : undefined,
    securityGroupArn: ec2Arn(region, group.ownerId, 'security-group', group.id),
  };
}
