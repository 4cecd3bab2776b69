import { LIFECYCLE_STATES } from '../../instances/lifecycle';
import { defineCommand } from '../define';
import { DESCRIBE_INSTANCES, INSTANCE_ARG } from './instance-arg';

export const terminate = defineCommand({
  name: 'terminate',
  summary: 'Terminate an instance, after a confirmation button (yours; admins: any managed one)',
  args: [INSTANCE_ARG],
  options: [
    {
      name: 'confirm',
      type: 'boolean',
      description: 'set by the confirmation button; without it ec2ops only asks',
    },
  ],
  examples: ['terminate i-0123456789abcdef0', 'terminate web-test'],
  role: 'operator',
  mutates: true,
  states: LIFECYCLE_STATES.terminate,
  iam: [DESCRIBE_INSTANCES, { actions: ['ec2:TerminateInstances'], why: 'Terminate an instance on request' }],
});
