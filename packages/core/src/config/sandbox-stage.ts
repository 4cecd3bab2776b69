import type { StageConfigInput } from './schema';

/**
 * The stage `npm start` runs. The ids match the sandbox's seeded Slack workspace
 * (sandbox/src/slack/seed.ts): three users with one role each, the platform user group, and the
 * report, approvals and audit channels. Not production, so jobs plan (dry-run) by default.
 */
export const SANDBOX_STAGE: StageConfigInput = {
  stage: 'sandbox',
  production: false,
  regions: ['us-east-1', 'eu-west-1'],
  slack: { reportChannel: 'C0EC2OPS', approvalsChannel: 'C0APPROVE', auditChannel: 'C0AUDIT' },
  roles: {
    users: { UVIEWER: 'viewer', UOPERATOR: 'operator', UADMIN: 'admin' },
    groups: { SPLATFORM: 'operator' },
  },
  // Groups tagged ec2ops:access-group=true may be changed from Slack (tag one in the console).
  access: {
    groups: { tags: { 'ec2ops:access-group': 'true' } },
    sources: { office: ['203.0.113.0/24', '2001:db8:100::/48'], vpn: ['10.8.0.0/16'] },
    worldOpenPorts: ['80', '443'],
    neverPorts: ['23'],
    warnBefore: '10m',
  },
  // `/ec2 launch al2023` / `ubuntu`: the newest of the emulator's seeded Amazon / Canonical images.
  launch: {
    defaultTtl: '8h',
    maxTtl: '3d',
    images: {
      aliases: {
        al2023: { owner: 'amazon', name: 'al2023-ami-2023.*-kernel-6.1-*', description: 'Amazon Linux 2023' },
        ubuntu: {
          owner: '099720109477',
          name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-*-server-*',
          description: 'Ubuntu 24.04',
        },
      },
    },
    instanceProfile: 'ec2ops-sandbox-instance',
  },
  reaper: { action: 'stop', warnBefore: '1h' },
  // The nightly bake copies us-east-1's images to the second region, so `+1d` shows copies appear.
  bake: { copyTo: [{ region: 'eu-west-1' }] },
};
