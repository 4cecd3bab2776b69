import { evaluateOpen } from '../../access/policy';
import { defineArg, defineCommand } from '../define';

const RULE_ARN = 'arn:aws:ec2:*:*:security-group-rule/*';

/** IAM shared by the access commands: find targets and rules. */
export const ACCESS_DESCRIBE = {
  actions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'],
  why: 'Find the target group (or the access group of an instance) and its rules',
};

/** Re-tag a managed rule (new expiry) and its description: only rules ec2ops manages. */
export const RETAG_MANAGED_RULE = [
  {
    actions: ['ec2:CreateTags'],
    resources: [RULE_ARN],
    condition: { StringEquals: { 'aws:ResourceTag/{tagPrefix}managed': 'true' } },
    why: 'Extend a temporary rule: new expires-at on a rule ec2ops manages',
  },
  {
    actions: ['ec2:UpdateSecurityGroupRuleDescriptionsIngress'],
    why: 'Show the new expiry in the rule description',
  },
];

/** `for <duration>`: how long a rule stays open; the stage's access config narrows the bounds. */
export const ACCESS_DURATION_ARG = defineArg({
  name: 'duration',
  keyword: 'for',
  type: 'duration',
  min: '1m',
  max: '30d',
  placeholder: 'duration',
  description: 'how long (default and maximum set by the stage)',
});

export const open = defineCommand({
  name: 'open',
  summary: 'Open a port on a security group (or an instance’s access group) for a limited time',
  usage:
    'open <port>[-<port>][/tcp|/udp] on <sg-id|instance-id|Name> [from <cidr|named-source|sg-id>] [for <duration>] [reason="…"]',
  args: [
    {
      name: 'ports',
      type: 'string',
      required: true,
      maxLength: 20,
      placeholder: 'port[-port][/tcp|/udp]',
      description: 'the port or range, tcp unless /udp',
    },
    {
      name: 'target',
      keyword: 'on',
      type: 'string',
      required: true,
      maxLength: 255,
      placeholder: 'sg-id|instance-id|Name',
      description: 'the security group, or an instance (its group tagged access-group=true)',
    },
    {
      name: 'source',
      keyword: 'from',
      type: 'string',
      maxLength: 64,
      placeholder: 'cidr|named-source|sg-id',
      description: 'who may connect: a CIDR, a named source such as office, or a security group',
    },
    ACCESS_DURATION_ARG,
  ],
  options: [{ name: 'reason', type: 'string', maxLength: 200, description: 'why, recorded on the rule' }],
  examples: [
    'open 22 on sg-0123456789abcdef0 from office for 2h reason="debug deploy"',
    'open 5432 on db-1 from 203.0.113.7 for 30m',
    'open 8443 on sg-0123456789abcdef0 from 2001:db8::/64',
    'open 22 on bastion from sg-0fedcba9876543210',
  ],
  role: 'operator',
  mutates: true,
  iam: [
    ACCESS_DESCRIBE,
    {
      actions: ['ec2:AuthorizeSecurityGroupIngress'],
      why: 'Open the port: one ingress rule per source, tagged managed/owner/expires-at on create',
    },
    ...RETAG_MANAGED_RULE,
  ],
  needsApproval: (request, config) => evaluateOpen(request.args, config).approval,
});
