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
  },
  deploy: { alarmEmail: 'platform-oncall@example.com', logRetention: '3 months' },
};
