import { LIFECYCLE_STATES } from '../../instances/lifecycle';
import { defineCommand } from '../define';
import { DESCRIBE_INSTANCES, INSTANCE_ARG } from './instance-arg';

export const stop = defineCommand({
  name: 'stop',
  summary: 'Stop an instance (yours; admins: any managed one)',
  args: [INSTANCE_ARG],
  examples: ['stop i-0123456789abcdef0', 'stop web-test'],
  role: 'operator',
  mutates: true,
  states: LIFECYCLE_STATES.stop,
  iam: [DESCRIBE_INSTANCES, { actions: ['ec2:StopInstances'], why: 'Stop an instance on request' }],
});
