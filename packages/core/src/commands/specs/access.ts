import { defineCommand } from '../define';

export const access = defineCommand({
  name: 'access',
  summary: 'Temporary port rules: who, why, time left; Extend and Close now',
  args: [
    {
      name: 'scope',
      type: 'enum',
      values: ['mine', 'all'],
      placeholder: 'mine|all',
      description: 'your rules (default) or everyone’s',
    },
  ],
  examples: ['access', 'access all'],
  role: 'viewer',
  mutates: false,
  iam: [
    {
      actions: ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups'],
      why: 'List managed rules by tag, with their group names',
    },
  ],
});
