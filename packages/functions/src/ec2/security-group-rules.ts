import {
  type EC2Client,
  type Filter,
  paginateDescribeSecurityGroupRules,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { AccessRule, AccessTagKeys } from '@ec2ops/core/access';
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
