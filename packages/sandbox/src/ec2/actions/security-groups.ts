import { Ec2ApiError, invalidParameterValue } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, isWellFormed, malformed, newId, notFound } from '../ids';
import { instances, type SecurityGroupRecord, securityGroups, vpcs } from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import { readTagSpecifications } from '../tags';
import {
  addDefaultRules,
  defaultVpcId,
  ec2Arn,
  ensureDefaultRules,
  findGroupByName,
  forgetGroup,
  groupNotFound,
  groupXml,
  MAX_GROUPS_PER_VPC,
  requireGroup,
  rulesByGroup,
  type SecurityGroupRuleRecord,
  securityGroupRules,
} from './security-group-model';

/** CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup. Rules: ./security-group-rules. */

const GROUP_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;

function validateGroupText(name: string, value: string): void {
  if (value.length > 255) {
    throw invalidParameterValue(`Value (${value.slice(0, 32)}…) for parameter ${name} is invalid. Too long`);
  }
  if (!GROUP_TEXT.test(value)) {
    throw invalidParameterValue(
      `Value (${value}) for parameter ${name} is invalid. Character sets beyond ASCII are not supported.`,
    );
  }
}

writeAction('CreateSecurityGroup', (ctx) => {
  const { params, state } = ctx;
  const groupName = params.requiredString('GroupName');
  const description = params.requiredString('GroupDescription');
  validateGroupText('GroupName', groupName);
  validateGroupText('GroupDescription', description);
  if (groupName.toLowerCase().startsWith('sg-')) {
    throw invalidParameterValue('Group names may not be in the format sg-*.');
  }
  if (groupName === 'default') {
    throw new Ec2ApiError('InvalidGroup.Reserved', "The security group 'default' is reserved");
  }
  const requestedVpc = params.string('VpcId');
  let vpcId: string;
  if (requestedVpc) {
    if (!isWellFormed(requestedVpc, ID_KINDS.vpc)) throw malformed(ID_KINDS.vpc, requestedVpc);
    if (!vpcs.in(state).has(requestedVpc)) throw notFound(ID_KINDS.vpc, [requestedVpc]);
    vpcId = requestedVpc;
  } else {
    const fallback = defaultVpcId(state);
    if (!fallback) throw new Ec2ApiError('VPCIdNotSpecified', 'No default VPC for this user');
    vpcId = fallback;
  }
  const tagSpecs = readTagSpecifications(params, ['security-group']);
  ensureDefaultRules(state, ctx.now);
  if (findGroupByName(state, groupName, vpcId)) {
    throw new Ec2ApiError(
      'InvalidGroup.Duplicate',
      `The security group '${groupName}' already exists for VPC '${vpcId}'`,
    );
  }
  let inVpc = 0;
  for (const group of securityGroups.in(state).values()) if (group.vpcId === vpcId) inVpc += 1;
  if (inVpc >= MAX_GROUPS_PER_VPC) {
    throw new Ec2ApiError(
      'SecurityGroupLimitExceeded',
      'The maximum number of security groups for the VPC has been reached.',
    );
  }
  ctx.gate();
  const tags = tagSpecs.get('security-group') ?? [];
  const group: SecurityGroupRecord = {
    id: newId(ID_KINDS.securityGroup),
    tags,
    groupName,
    description,
    vpcId,
    ownerId: ctx.store.accountId,
  };
  securityGroups.in(state).set(group.id, group);
  addDefaultRules(state, group, ctx.now);
  return {
    return: true,
    groupId: group.id,
    tagSet: tags.length > 0 ? tags.map((t) => ({ key: t.key, value: t.value })) : undefined,
    securityGroupArn: ec2Arn(ctx.region, group.ownerId, 'security-group', group.id),
  };
});

interface Described {
  id: string;
  tags: SecurityGroupRecord['tags'];
  group: SecurityGroupRecord;
  rules: SecurityGroupRuleRecord[];
}

const permissionFields = (egress: boolean): FilterFields<Described> => {
  const prefix = egress ? 'egress.ip-permission' : 'ip-permission';
  const of = (d: Described) => d.rules.filter((r) => r.isEgress === egress);
  return {
    [`${prefix}.cidr`]: (d) => of(d).map((r) => r.cidrIpv4),
    [`${prefix}.ipv6-cidr`]: (d) => of(d).map((r) => r.cidrIpv6),
    [`${prefix}.prefix-list-id`]: (d) => of(d).map((r) => r.prefixListId),
    [`${prefix}.group-id`]: (d) => of(d).map((r) => r.referencedGroupId),
    [`${prefix}.user-id`]: (d) => of(d).map((r) => r.referencedUserId),
    [`${prefix}.protocol`]: (d) => of(d).map((r) => r.ipProtocol),
    [`${prefix}.from-port`]: (d) => of(d).map((r) => r.fromPort),
    [`${prefix}.to-port`]: (d) => of(d).map((r) => r.toPort),
  };
};

const GROUP_FILTERS: FilterFields<Described> = {
  'group-id': (d) => d.group.id,
  'group-name': (d) => d.group.groupName,
  description: (d) => d.group.description,
  'vpc-id': (d) => d.group.vpcId,
  'owner-id': (d) => d.group.ownerId,
  ...permissionFields(false),
  ...permissionFields(true),
};

readAction('DescribeSecurityGroups', (ctx) => {
  const { params, state } = ctx;
  const ids = params.strings('GroupId');
  const names = params.strings('GroupName');
  const filters = readFilters(params);
  const page = readPagination(params, 'DescribeSecurityGroups');
  for (const id of ids)
    if (!isWellFormed(id, ID_KINDS.securityGroup)) throw malformed(ID_KINDS.securityGroup, id);
  ensureDefaultRules(state, ctx.now);
  const groups = securityGroups.in(state);
  const missingIds = ids.filter((id) => !groups.has(id));
  if (missingIds.length > 0) throw groupNotFound(missingIds.join(', '));
  const defaultVpc = defaultVpcId(state);
  const named = names.map((name) => {
    const group = findGroupByName(state, name, defaultVpc);
    if (!group) throw groupNotFound(name, defaultVpc);
    return group;
  });
  let selected: SecurityGroupRecord[];
  if (ids.length === 0 && names.length === 0) selected = [...groups.values()];
  else {
    const wanted = new Set([...ids, ...named.map((g) => g.id)]);
    selected = [...groups.values()].filter((g) => wanted.has(g.id));
  }
  const byGroup = rulesByGroup(state);
  const described = selected.map((group) => ({
    id: group.id,
    tags: group.tags,
    group,
    rules: byGroup.get(group.id) ?? [],
  }));
  const kept = applyFilters(described, filters, GROUP_FILTERS);
  const result = paginate(kept, page, 'DescribeSecurityGroups');
  return {
    securityGroupInfo: result.items.map((d) => groupXml(d.group, d.rules, ctx.region)),
    nextToken: result.nextToken,
  };
});

writeAction('DeleteSecurityGroup', (ctx) => {
  const { params, state } = ctx;
  const group = requireGroup(state, params.string('GroupId'), params.string('GroupName'));
  if (group.groupName === 'default') {
    throw new Ec2ApiError(
      'CannotDelete',
      `the specified group: "${group.id}" name: "default" cannot be deleted by a user`,
    );
  }
  for (const rule of securityGroupRules.in(state).values()) {
    if (rule.referencedGroupId === group.id && rule.groupId !== group.id) {
      throw new Ec2ApiError('DependencyViolation', `resource ${group.id} has a dependent object`);
    }
  }
  for (const instance of instances.in(state).values()) {
    if (instance.state === 'terminated') continue;
    if (instance.securityGroups.some((g) => g.groupId === group.id)) {
      throw new Ec2ApiError('DependencyViolation', `resource ${group.id} has a dependent object`);
    }
  }
  ctx.gate();
  const rules = securityGroupRules.in(state);
  for (const rule of [...rules.values()]) if (rule.groupId === group.id) rules.delete(rule.id);
  securityGroups.in(state).delete(group.id);
  forgetGroup(state, group.id);
  return { return: true, groupId: group.id };
});
