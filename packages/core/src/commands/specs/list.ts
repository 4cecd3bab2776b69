import { defineCommand } from '../define';

export const INSTANCE_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
] as const;

export const list = defineCommand({
  name: 'list',
  summary: 'Instances ec2ops manages: state, type, image, owner, IPs, time left',
  args: [
    {
      name: 'scope',
      type: 'enum',
      values: ['mine', 'all'],
      description: 'your instances, or everyone’s (default all)',
    },
  ],
  options: [
    {
      name: 'state',
      type: 'enum',
      values: INSTANCE_STATES,
      description: 'only instances in this state (default: all but terminated)',
    },
  ],
  examples: ['list', 'list mine', 'list all state=stopped'],
  role: 'viewer',
  mutates: false,
  iam: [{ actions: ['ec2:DescribeInstances'], why: 'List managed instances' }],
});
