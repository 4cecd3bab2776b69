import type { StageDefinition } from './types';

/**
 * A non-production stage: jobs plan and report (dry-run) unless a job says otherwise.
 * Replace the example ids with your workspace's (Slack: a user's profile → ⋯ → Copy member ID;
 * a channel's details → the id at the bottom).
 */
export const dev: StageDefinition = {
  config: {
    stage: 'dev',
    production: false,
    regions: ['eu-west-1'],
    slack: { reportChannel: 'C0123DEVOPS' },
    roles: { bootstrapAdmins: ['U0123ADMIN'] },
    access: {
      groups: { tags: { 'ec2ops:access-group': 'true' } },
      sources: { office: ['203.0.113.0/24'], vpn: ['10.8.0.0/16'] },
    },
    launch: {
      maxTtl: '3d',
      images: {
        aliases: {
          al2023: {
            owner: 'amazon',
            name: 'al2023-ami-2023.*-kernel-6.1-*',
            description: 'Amazon Linux 2023',
          },
        },
      },
      subnets: { default: 'private-a', aliases: { 'private-a': 'subnet-0123456789abcdef0' } },
      securityGroups: ['sg-0123456789abcdef0'],
      instanceProfile: 'ec2ops-dev-instance',
    },
  },
  deploy: { logRetention: '2 weeks' },
};
