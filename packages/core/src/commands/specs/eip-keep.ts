import { defineCommand } from '../define';
import { ADDRESS_ARG, DESCRIBE_ADDRESSES, ELASTIC_IP_ARN } from './eip-arg';

export const eipKeep = defineCommand({
  name: 'eip keep',
  summary: 'Tag an Elastic IP keep=true: cleanup and `/ec2 eip release` never release it',
  args: [ADDRESS_ARG],
  examples: ['eip keep eipalloc-0123456789abcdef0', 'eip keep 198.51.100.7'],
  role: 'admin',
  mutates: true,
  iam: [
    DESCRIBE_ADDRESSES,
    {
      actions: ['ec2:CreateTags'],
      resources: [ELASTIC_IP_ARN],
      condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}keep'] } },
      why: 'Tag an address keep',
    },
  ],
});
