import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  type Filter,
  type IpPermission,
  paginateDescribeSecurityGroupRules,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import type { AccessRule, AccessTagKeys, OpenSource } from '@ec2ops/core/access';
import { isNotFound } from './errors';
import { tagsOf } from './tags';

/**
 * Security-group rules as the access commands and the port sweep read them. Managed rules are
 * found with a server-side tag filter, so the cost does not grow with the groups and rules
 * ec2ops does not manage.
 */
export function toAccessRule(r: SecurityGroupRule): AccessRule {
  const source: AccessRule['source'] = r.CidrIpv4
    ? { kind: 'cidr', cidr: r.CidrIpv4 }
    : r.CidrIpv6
      ? { kind: 'cidr', cidr: r.CidrIpv6 }
      : r.ReferencedGroupInfo?.GroupId
        ? { kind: 'group', groupId: r.ReferencedGroupInfo.GroupId }
        : { kind: 'other', label: r.PrefixListId ?? 'unknown source' };
  return {
    ruleId: r.SecurityGroupRuleId ?? '',
    groupId: r.GroupId ?? '',
    isEgress: r.IsEgress ?? false,
    protocol: r.IpProtocol ?? '-1',
    fromPort: r.FromPort ?? -1,
    toPort: r.ToPort ?? -1,
    source,
    description: r.Description,
    tags: tagsOf(r.Tags),
  };
}

/** Every rule matching the filters, all pages (1,000 a page). */
export async function describeRules(client: EC2Client, filters: Filter[]): Promise<AccessRule[]> {
  const rules: AccessRule[] = [];
  const pages = paginateDescribeSecurityGroupRules({ client, pageSize: 1000 }, { Filters: filters });
  for await (const page of pages) for (const r of page.SecurityGroupRules ?? []) rules.push(toAccessRule(r));
  return rules;
}

/** Rules tagged managed=true (plus any extra filters), found by tag on the server. */
export function describeManagedRules(
  client: EC2Client,
  keys: AccessTagKeys,
  extra: Filter[] = [],
): Promise<AccessRule[]> {
  return describeRules(client, [{ Name: `tag:${keys.managed}`, Values: ['true'] }, ...extra]);
}

/** One rule by id, or undefined when it is gone (or never was in this region). */
export async function describeRule(client: EC2Client, ruleId: string): Promise<AccessRule | undefined> {
  const rules = await describeRules(client, [{ Name: 'security-group-rule-id', Values: [ruleId] }]);
  return rules.find((r) => r.ruleId === ruleId);
}

/** Revokes ingress rules of one group by rule id (at most 100 ids a call, EC2 says). */
export async function revokeIngressRules(
  client: EC2Client,
  groupId: string,
  ruleIds: readonly string[],
): Promise<void> {
  await client.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [...ruleIds] }),
  );
}

/**
 * Revokes by id, tolerating rules that are already gone: "not found" means someone (the sweep,
 * another click, an expiry schedule) closed it already. `gone` only when the one rule asked for
 * was gone; with several, one gone rule makes the others be revoked one by one.
 */
export async function revokeRules(
  client: EC2Client,
  groupId: string,
  ruleIds: readonly string[],
): Promise<'closed' | 'gone'> {
  try {
    await revokeIngressRules(client, groupId, ruleIds);
    return 'closed';
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (ruleIds.length === 1) return 'gone';
    for (const id of ruleIds) await revokeRules(client, groupId, [id]);
    return 'closed';
  }
}

/** What one AuthorizeSecurityGroupIngress call opens: one port range, many sources, one description. */
export interface IngressRequest {
  groupId: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  sources: readonly OpenSource[];
  description: string;
  /** Tags every rule it creates carries from the start (TagSpecifications), as core's ruleTags lists them. */
  tags: readonly { Key: string; Value: string }[];
}

function ingressPermission(request: IngressRequest): IpPermission {
  const { description } = request;
  const cidrs = request.sources.filter((s) => s.kind === 'cidr');
  return {
    IpProtocol: request.protocol,
    FromPort: request.fromPort,
    ToPort: request.toPort,
    IpRanges: cidrs
      .filter((s) => s.cidr.family === 4)
      .map((s) => ({ CidrIp: s.cidr.text, Description: description })),
    Ipv6Ranges: cidrs
      .filter((s) => s.cidr.family === 6)
      .map((s) => ({ CidrIpv6: s.cidr.text, Description: description })),
    UserIdGroupPairs: request.sources
      .filter((s) => s.kind === 'group')
      .map((s) => ({ GroupId: s.groupId, Description: description })),
  };
}

/**
 * Adds ingress rules, tagged as they are created (no window in which a rule exists untagged for
 * the sweep to miss); the rules EC2 says it created. A rule that exists already fails the whole
 * call with InvalidPermission.Duplicate, which the caller settles by re-reading.
 */
export async function authorizeIngress(client: EC2Client, request: IngressRequest): Promise<AccessRule[]> {
  const out = await client.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: request.groupId,
      IpPermissions: [ingressPermission(request)],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [...request.tags] }],
    }),
  );
  return (out.SecurityGroupRules ?? []).map(toAccessRule);
}

/** The description of one ingress rule (what the console and `describe` show beside it). */
export async function setIngressRuleDescription(
  client: EC2Client,
  groupId: string,
  ruleId: string,
  description: string,
): Promise<void> {
  await client.send(
    new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: groupId,
      SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: description }],
    }),
  );
}
