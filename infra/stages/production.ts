import type { StageDefinition } from './types';

/**
 * The production stage: jobs apply, `sst remove` is refused and resources are retained.
 * Replace the example ids with your workspace's.
 */
export const production: StageDefinition = {
  config: {
    stage: 'production',
    production: true,
    regions: ['eu-west-1', 'us-east-1'],
    slack: { reportChannel: 'C0123OPS', approvalsChannel: 'C0123APPROVE', auditChannel: 'C0123AUDIT' },
    roles: {
      groups: { S0123PLATFORM: 'operator' },
      bootstrapAdmins: ['U0123ADMIN'],
    },
    access: {
      groups: { tags: { 'ec2ops:access-group': 'true' } },
      sources: { office: ['203.0.113.0/24'], vpn: ['10.8.0.0/16'] },
      defaultSource: 'vpn',
      maxDuration: '4h',
      worldOpenPorts: ['443'],
      neverPorts: ['23', '445'],
      warnBefore: '10m',
    },
    launch: {
      defaultTtl: '8h',
      maxTtl: '14d',
      maxCount: 2,
      maxRunningPerUser: 3,
      images: {
        aliases: {
          al2023: {
            owner: 'amazon',
            name: 'al2023-ami-2023.*-kernel-6.1-*',
            description: 'Amazon Linux 2023',
          },
          ubuntu: {
            owner: '099720109477',
            name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-*-server-*',
            description: 'Ubuntu 24.04',
          },
        },
      },
      subnets: {
        default: 'private-a',
        aliases: { 'private-a': 'subnet-0123456789abcdef0', 'private-b': 'subnet-0fedcba9876543210' },
      },
      securityGroups: ['sg-0123456789abcdef0'],
      instanceProfile: 'ec2ops-production-instance',
    },
    reaper: { action: 'terminate', warnBefore: '2h' },
  },
  deploy: { alarmEmail: 'platform-oncall@example.com', logRetention: '3 months' },
};
