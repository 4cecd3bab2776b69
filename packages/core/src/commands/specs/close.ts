import { defineCommand } from '../define';
import { ACCESS_DESCRIBE } from './open';

export const close = defineCommand({
  name: 'close',
  summary: 'Close a temporary rule now (yours, or anyone’s for an admin)',
  usage: 'close <rule-id> | close <port>[-<port>][/tcp|/udp] on <sg-id|instance-id|Name> [from <source>]',
  args: [
    {
      name: 'rule',
      type: 'string',
      required: true,
      maxLength: 30,
      placeholder: 'rule-id|port',
      description: 'the rule id (sgr-…), or the port opened',
    },
    {
      name: 'target',
      keyword: 'on',
      type: 'string',
      maxLength: 255,
      placeholder: 'sg-id|instance-id|Name',
      description: 'with a port: the group or instance it was opened on',
    },
    {
      name: 'source',
      keyword: 'from',
      type: 'string',
      maxLength: 64,
      placeholder: 'cidr|named-source|sg-id',
      description: 'with a port: only the rule from this source',
    },
  ],
  examples: [
    'close sgr-0123456789abcdef0',
    'close 22 on sg-0123456789abcdef0',
    'close 5432 on db-1 from office',
  ],
  role: 'operator',
  mutates: true,
  iam: [
    ACCESS_DESCRIBE,
    { actions: ['ec2:RevokeSecurityGroupIngress'], why: 'Close a temporary rule by its id' },
  ],
});
