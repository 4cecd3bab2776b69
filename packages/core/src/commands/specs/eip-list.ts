import { defineCommand } from '../define';

export const eipList = defineCommand({
  name: 'eip list',
  summary:
    'Elastic IPs: association, idle time, keep, owner, cost; `idle`: unassociated, time left before release',
  args: [
    {
      name: 'filter',
      type: 'enum',
      values: ['idle'],
      placeholder: 'idle',
      description: '`idle`: only unassociated addresses, with the time left before cleanup releases them',
    },
  ],
  examples: ['eip list', 'eip list idle'],
  role: 'viewer',
  mutates: false,
  iam: [
    {
      actions: ['ec2:DescribeAddresses', 'ec2:DescribeInstances'],
      why: 'List Elastic IPs and name the instances they are associated with',
    },
  ],
});
