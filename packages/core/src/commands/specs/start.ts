import { LIFECYCLE_STATES } from '../../instances/lifecycle';
import { defineCommand } from '../define';
import { DESCRIBE_INSTANCES, INSTANCE_ARG } from './instance-arg';

export const start = defineCommand({
  name: 'start',
  summary: 'Start a stopped instance (yours; admins: any managed one)',
  args: [INSTANCE_ARG],
  examples: ['start i-0123456789abcdef0', 'start web-test'],
  role: 'operator',
  mutates: true,
  states: LIFECYCLE_STATES.start,
  iam: [DESCRIBE_INSTANCES, { actions: ['ec2:StartInstances'], why: 'Start an instance on request' }],
});
