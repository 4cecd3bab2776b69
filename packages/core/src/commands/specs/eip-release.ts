import { defineCommand } from '../define';
import { ADDRESS_ARG, DESCRIBE_ADDRESSES, RELEASE_ADDRESS } from './eip-arg';

export const eipRelease = defineCommand({
  name: 'eip release',
  summary: 'Release an unassociated Elastic IP, after a confirmation button (yours; admins: any)',
  args: [ADDRESS_ARG],
  options: [
    {
      name: 'confirm',
      type: 'boolean',
      description: 'set by the confirmation button; without it ec2ops only asks',
    },
  ],
  examples: ['eip release eipalloc-0123456789abcdef0', 'eip release 198.51.100.7'],
  role: 'operator',
  mutates: true,
  iam: [DESCRIBE_ADDRESSES, RELEASE_ADDRESS],
});
