import { defineCommand } from '../define';
import { ELASTIC_IP_ARN, RELEASE_ADDRESS } from './eip-arg';
import { INSTANCE_ARG } from './instance-arg';

export const eipAttach = defineCommand({
  name: 'eip attach',
  summary:
    'Allocate a new Elastic IP (a fixed public IP) and attach it to an instance (yours; admins: any managed one)',
  args: [INSTANCE_ARG],
  examples: ['eip attach i-0123456789abcdef0', 'eip attach web-test'],
  role: 'operator',
  mutates: true,
  iam: [
    {
      actions: ['ec2:DescribeInstances', 'ec2:DescribeAddresses'],
      why: 'Find the instance, its addresses, and an address this request already allocated',
    },
    {
      // Ownership of the instance is checked by the worker; the address is tagged on create.
      actions: ['ec2:AllocateAddress', 'ec2:AssociateAddress'],
      resources: [ELASTIC_IP_ARN, 'arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:network-interface/*'],
      why: 'Allocate an address and attach it',
    },
    RELEASE_ADDRESS,
  ],
});
