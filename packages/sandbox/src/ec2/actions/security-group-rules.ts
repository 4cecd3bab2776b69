import { Ec2ApiError, invalidParameterValue } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, isWellFormed, malformed, notFound } from '../ids';
import type { SecurityGroupRecord } from '../model';
import { paginate, readPagination } from '../pagination';
import type { Params } from '../query';
import { type ActionContext, readAction, writeAction } from '../registry';
import type { RegionState } from '../store';
import { readTagSpecifications } from '../tags';
import { requireIpv4Cidr, requireIpv6Cidr } from './cidr';
import {
  describeRule,
  normalizePorts,
  normalizeProtocol,
  type RuleSource,
  type RuleSpec,
  readIpPermissions,
  ruleKey,
  validateDescription,
} from './ip-permissions';
import {
  ensureDefaultRules,
  findGroupByName,
  groupNotFound,
  MAX_RULES_PER_DIRECTION,
  newRule,
  permissionsXml,
  requireGroup,
  requireGroupById,
  ruleSource,
  rulesOfGroup,
  ruleXml,
  type SecurityGroupRuleRecord,
  securityGroupRules,
} from './security-group-model';

/**
 * Authorize/Revoke (ingress and egress), DescribeSecurityGroupRules, ModifySecurityGroupRules.
 * Each CIDR, group or prefix list of a permission becomes its own `sgr-` rule, as in EC2.
 */

/** Group sources by name become ids (names are looked up in the target group's VPC). */
function resolveSource(
  state: RegionState,
  group: SecurityGroupRecord,
  source: RuleSource,
  strict: boolean,
): RuleSource {
  if (source.kind !== 'group') return source;
  if (source.groupId) {
    if (!isWellFormed(source.groupId, ID_KINDS.securityGroup))
      throw malformed(ID_KINDS.securityGroup, source.groupId);
    if (strict) {
      const referenced = requireGroupById(state, source.groupId);
      if (referenced.vpcId !== group.vpcId) {
        throw invalidParameterValue(
          `You have specified two resources that belong to different networks: ${group.id} (${group.vpcId}) and ${referenced.id} (${referenced.vpcId}).`,
        );
      }
    }
    return { kind: 'group', groupId: source.groupId, userId: source.userId ?? group.ownerId };
  }
  const byName = findGroupByName(state, source.groupName ?? '', group.vpcId);
  if (!byName) {
    if (strict) throw groupNotFound(source.groupName ?? '');
    return source;
  }
  return { kind: 'group', groupId: byName.id, userId: source.userId ?? group.ownerId };
}

function ipv6(rule: { source: RuleSource } | SecurityGroupRuleRecord): boolean {
  return 'source' in rule ? rule.source.kind === 'ipv6' : rule.cidrIpv6 !== undefined;
}

function targetGroup(ctx: ActionContext, egress: boolean): SecurityGroupRecord {
  const groupId = ctx.params.string('GroupId');
  if (egress && !groupId)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter groupId');
  return requireGroup(ctx.state, groupId, egress ? undefined : ctx.params.string('GroupName'));
}

function authorize(ctx: ActionContext, egress: boolean) {
  const { params, state } = ctx;
  const group = targetGroup(ctx, egress);
  const specs = readIpPermissions(params);
  if (specs.length === 0)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter IpPermissions');
  const tagSpecs = readTagSpecifications(params, ['security-group-rule']);
  ensureDefaultRules(state, ctx.now);
  const resolved = specs.map((spec) => ({ ...spec, source: resolveSource(state, group, spec.source, true) }));
  const keys = new Set<string>();
  for (const spec of resolved) {
    const key = ruleKey(egress, spec);
    if (keys.has(key)) throw invalidParameterValue('The same permission must not appear multiple times');
    keys.add(key);
  }
  const existing = rulesOfGroup(state, group.id).filter((r) => r.isEgress === egress);
  const existingKeys = new Set(existing.map((r) => ruleKey(egress, { ...r, source: ruleSource(r) })));
  for (const spec of resolved) {
    if (existingKeys.has(ruleKey(egress, spec))) {
      throw new Ec2ApiError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(spec)}" already exists`,
      );
    }
  }
  const v6 = existing.filter(ipv6).length + resolved.filter(ipv6).length;
  const v4 = existing.length + resolved.length - v6;
  if (v4 > MAX_RULES_PER_DIRECTION || v6 > MAX_RULES_PER_DIRECTION) {
    throw new Ec2ApiError(
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
    );
  }
  ctx.gate();
  const tags = tagSpecs.get('security-group-rule') ?? [];
  const rules = securityGroupRules.in(state);
  const created = resolved.map((spec) => {
    const rule = newRule(group, egress, spec, ctx.now, tags);
    rules.set(rule.id, rule);
    return rule;
  });
  return { return: true, securityGroupRuleSet: created.map((r) => ruleXml(r, group.ownerId, ctx.region)) };
}

function revoke(ctx: ActionContext, egress: boolean) {
  const { params, state } = ctx;
  const group = targetGroup(ctx, egress);
  const ruleIds = params.strings('SecurityGroupRuleId');
  const byPermissions =
    params.has('IpPermissions') || params.has('CidrIp') || params.has('SourceSecurityGroupName');
  if (ruleIds.length > 0 && byPermissions) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'The parameter SecurityGroupRuleIds cannot be used with the parameter IpPermissions',
    );
  }
  ensureDefaultRules(state, ctx.now);
  const rules = securityGroupRules.in(state);
  if (ruleIds.length > 0) {
    for (const id of ruleIds) {
      if (!isWellFormed(id, ID_KINDS.securityGroupRule)) throw malformed(ID_KINDS.securityGroupRule, id);
    }
    const missing = ruleIds.filter((id) => {
      const rule = rules.get(id);
      return !rule || rule.groupId !== group.id || rule.isEgress !== egress;
    });
    if (missing.length > 0) {
      throw notFound(ID_KINDS.securityGroupRule, missing);
    }
    ctx.gate();
    for (const id of ruleIds) rules.delete(id);
    return { return: true };
  }
  const specs = readIpPermissions(params);
  if (specs.length === 0) {
    throw new Ec2ApiError(
      'MissingParameter',
      'The request must contain the parameter IpPermissions or SecurityGroupRuleIds',
    );
  }
  const existing = new Map<string, SecurityGroupRuleRecord>();
  for (const rule of rulesOfGroup(state, group.id)) {
    if (rule.isEgress === egress) existing.set(ruleKey(egress, { ...rule, source: ruleSource(rule) }), rule);
  }
  const matched: SecurityGroupRuleRecord[] = [];
  const unknown: RuleSpec[] = [];
  for (const spec of specs) {
    const rule = existing.get(
      ruleKey(egress, { ...spec, source: resolveSource(state, group, spec.source, false) }),
    );
    if (rule) matched.push(rule);
    else unknown.push(spec);
  }
  if (matched.length === 0) {
    throw new Ec2ApiError(
      'InvalidPermission.NotFound',
      'The specified rule does not exist in this security group.',
    );
  }
  ctx.gate();
  for (const rule of matched) rules.delete(rule.id);
  return { return: true, unknownIpPermissionSet: unknown.length > 0 ? permissionsXml(unknown) : undefined };
}

writeAction('AuthorizeSecurityGroupIngress', (ctx) => authorize(ctx, false));
writeAction('AuthorizeSecurityGroupEgress', (ctx) => authorize(ctx, true));
writeAction('RevokeSecurityGroupIngress', (ctx) => revoke(ctx, false));
writeAction('RevokeSecurityGroupEgress', (ctx) => revoke(ctx, true));

/** UpdateSecurityGroupRuleDescriptions*: by rule id, or by permission (descriptions are not part of a rule's identity). */
function updateDescriptions(ctx: ActionContext, egress: boolean) {
  const { params, state } = ctx;
  const group = targetGroup(ctx, egress);
  const byId = params.list('SecurityGroupRuleDescription');
  const byPermission = params.has('IpPermissions');
  if (byId.length > 0 && byPermission) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'The parameter SecurityGroupRuleDescriptions cannot be used with the parameter IpPermissions',
    );
  }
  ensureDefaultRules(state, ctx.now);
  const rules = securityGroupRules.in(state);
  const changes: { rule: SecurityGroupRuleRecord; description: string | undefined }[] = [];
  if (byId.length > 0) {
    for (const item of byId) {
      const id = item.requiredString('SecurityGroupRuleId');
      if (!isWellFormed(id, ID_KINDS.securityGroupRule)) throw malformed(ID_KINDS.securityGroupRule, id);
      const rule = rules.get(id);
      if (!rule || rule.groupId !== group.id || rule.isEgress !== egress)
        throw notFound(ID_KINDS.securityGroupRule, [id]);
      changes.push({ rule, description: validateDescription(item.string('Description')) });
    }
  } else {
    const specs = readIpPermissions(params);
    if (specs.length === 0) {
      throw new Ec2ApiError(
        'MissingParameter',
        'The request must contain the parameter IpPermissions or SecurityGroupRuleDescriptions',
      );
    }
    const existing = new Map<string, SecurityGroupRuleRecord>();
    for (const rule of rulesOfGroup(state, group.id)) {
      if (rule.isEgress === egress)
        existing.set(ruleKey(egress, { ...rule, source: ruleSource(rule) }), rule);
    }
    for (const spec of specs) {
      const rule = existing.get(
        ruleKey(egress, { ...spec, source: resolveSource(state, group, spec.source, false) }),
      );
      if (!rule)
        throw new Ec2ApiError(
          'InvalidPermission.NotFound',
          'The specified rule does not exist in this security group.',
        );
      changes.push({ rule, description: spec.description });
    }
  }
  ctx.gate();
  for (const { rule, description } of changes) {
    if (description === undefined || description === '') delete rule.description;
    else rule.description = description;
  }
  return { return: true };
}

writeAction('UpdateSecurityGroupRuleDescriptionsIngress', (ctx) => updateDescriptions(ctx, false));
writeAction('UpdateSecurityGroupRuleDescriptionsEgress', (ctx) => updateDescriptions(ctx, true));

const RULE_FILTERS: FilterFields<SecurityGroupRuleRecord> = {
  'group-id': (r) => r.groupId,
  'security-group-rule-id': (r) => r.id,
};

readAction('DescribeSecurityGroupRules', (ctx) => {
  const { params, state } = ctx;
  const ids = params.strings('SecurityGroupRuleId');
  const filters = readFilters(params);
  const page = readPagination(params, 'DescribeSecurityGroupRules');
  for (const id of ids)
    if (!isWellFormed(id, ID_KINDS.securityGroupRule)) throw malformed(ID_KINDS.securityGroupRule, id);
  ensureDefaultRules(state, ctx.now);
  const rules = securityGroupRules.in(state);
  let selected: Iterable<SecurityGroupRuleRecord> = rules.values();
  if (ids.length > 0) {
    const missing = ids.filter((id) => !rules.has(id));
    if (missing.length > 0) throw notFound(ID_KINDS.securityGroupRule, missing);
    const wanted = new Set(ids);
    selected = [...rules.values()].filter((r) => wanted.has(r.id));
  }
  const kept = applyFilters(selected, filters, RULE_FILTERS);
  const result = paginate(kept, page, 'DescribeSecurityGroupRules');
  return {
    securityGroupRuleSet: result.items.map((r) => ruleXml(r, ctx.store.accountId, ctx.region)),
    nextToken: result.nextToken,
  };
});

/** `SecurityGroupRule.N.SecurityGroupRule` of ModifySecurityGroupRules: the rule's new content. */
function readRuleRequest(item: Params, state: RegionState, group: SecurityGroupRecord): RuleSpec {
  const rawProtocol = item.string('IpProtocol');
  if (!rawProtocol)
    throw new Ec2ApiError(
      'MissingParameter',
      `The request must contain the parameter ${item.path}.IpProtocol`,
    );
  const ipProtocol = normalizeProtocol(rawProtocol);
  const range = { min: -2_147_483_648, max: 2_147_483_647 };
  const { fromPort, toPort } = normalizePorts(
    ipProtocol,
    item.integer('FromPort', range),
    item.integer('ToPort', range),
  );
  const sources: RuleSource[] = [];
  const v4 = item.string('CidrIpv4');
  const v6 = item.string('CidrIpv6');
  const pl = item.string('PrefixListId');
  const ref = item.string('ReferencedGroupId');
  if (v4 !== undefined) sources.push({ kind: 'ipv4', cidr: requireIpv4Cidr(v4) });
  if (v6 !== undefined) sources.push({ kind: 'ipv6', cidr: requireIpv6Cidr(v6) });
  if (pl !== undefined) sources.push({ kind: 'prefix-list', prefixListId: pl });
  if (ref !== undefined) sources.push(resolveSource(state, group, { kind: 'group', groupId: ref }, true));
  if (sources.length !== 1) {
    throw new Ec2ApiError(
      sources.length === 0 ? 'MissingParameter' : 'InvalidParameterCombination',
      'Specify exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId',
    );
  }
  return {
    ipProtocol,
    fromPort,
    toPort,
    source: sources[0]!,
    description: validateDescription(item.string('Description')),
  };
}

writeAction('ModifySecurityGroupRules', (ctx) => {
  const { params, state } = ctx;
  const group = requireGroupById(state, params.requiredString('GroupId'));
  const items = params.list('SecurityGroupRule');
  if (items.length === 0)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter SecurityGroupRules');
  ensureDefaultRules(state, ctx.now);
  const rules = securityGroupRules.in(state);
  const updates = items.map((item) => {
    const id = item.requiredString('SecurityGroupRuleId');
    if (!isWellFormed(id, ID_KINDS.securityGroupRule)) throw malformed(ID_KINDS.securityGroupRule, id);
    const rule = rules.get(id);
    if (!rule || rule.groupId !== group.id) throw notFound(ID_KINDS.securityGroupRule, [id]);
    const request = item.child('SecurityGroupRule');
    if (!request)
      throw new Ec2ApiError(
        'MissingParameter',
        `The request must contain the parameter ${item.path}.SecurityGroupRule`,
      );
    return { rule, spec: readRuleRequest(request, state, group) };
  });
  const changing = new Set(updates.map((u) => u.rule.id));
  const taken = new Set(
    rulesOfGroup(state, group.id)
      .filter((r) => !changing.has(r.id))
      .map((r) => ruleKey(r.isEgress, { ...r, source: ruleSource(r) })),
  );
  for (const { rule, spec } of updates) {
    const key = ruleKey(rule.isEgress, spec);
    if (taken.has(key)) {
      throw new Ec2ApiError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(spec)}" already exists`,
      );
    }
    taken.add(key);
  }
  ctx.gate();
  for (const { rule, spec } of updates) {
    const replacement = newRule(group, rule.isEgress, spec, rule.createdAt, rule.tags);
    rules.set(rule.id, { ...replacement, id: rule.id });
  }
  return { return: true };
});
