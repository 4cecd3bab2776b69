import { defineCommand } from '../define';
import { ADDRESS_ARG, DESCRIBE_ADDRESSES, ELASTIC_IP_ARN } from './eip-arg';

export const eipUnkeep = defineCommand({
  name: 'eip unkeep',
  summary: 'Remove keep=true from an Elastic IP: cleanup may release it again when idle',
  args: [ADDRESS_ARG],
  examples: ['eip unkeep eipalloc-0123456789abcdef0'],
  role: 'admin',
  mutates: true,
  iam: [
    DESCRIBE_ADDRESSES,
    {
      actions: ['ec2:DeleteTags'],
      resources: [ELASTIC_IP_ARN],
      condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['{tagPrefix}keep'] } },
      why: 'Tag an address keep',
    },
  ],
});
