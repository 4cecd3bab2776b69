/** The sandbox workspace: who is in it, which channels exist, and the bot ec2ops runs as. */

export interface SeedUser {
  id: string;
  name: string;
  realName: string;
  /** The ec2ops role the sandbox stage config gives this user (Slack itself has no roles). */
  role?: 'viewer' | 'operator' | 'admin';
}

export interface SeedChannel {
  id: string;
  name: string;
}

export interface SeedUserGroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface WorkspaceSeed {
  team: { id: string; domain: string; name: string };
  bot: { token: string; userId: string; botId: string; appId: string; name: string };
  users: SeedUser[];
  channels: SeedChannel[];
  userGroups: SeedUserGroup[];
}

export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox';

export const DEFAULT_SEED: WorkspaceSeed = {
  team: { id: 'T0SANDBOX', domain: 'ec2ops-sandbox', name: 'ec2ops sandbox' },
  bot: { token: SANDBOX_BOT_TOKEN, userId: 'UBOT', botId: 'BBOT', appId: 'A0EC2OPS', name: 'ec2ops' },
  users: [
    { id: 'UVIEWER', name: 'vera', realName: 'Vera Viewer', role: 'viewer' },
    { id: 'UOPERATOR', name: 'omar', realName: 'Omar Operator', role: 'operator' },
    { id: 'UADMIN', name: 'ada', realName: 'Ada Admin', role: 'admin' },
  ],
  channels: [
    { id: 'C0EC2OPS', name: 'ec2ops' },
    { id: 'C0APPROVE', name: 'ec2ops-approvals' },
    { id: 'C0AUDIT', name: 'ec2ops-audit' },
  ],
  userGroups: [
    { id: 'SPLATFORM', handle: 'platform', name: 'Platform team', users: ['UADMIN', 'UOPERATOR'] },
  ],
};
