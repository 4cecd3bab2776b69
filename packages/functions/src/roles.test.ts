import { parseStageConfig } from '@ec2ops/core/config';
import { describe, expect, it } from 'vitest';
import { createRoleResolver } from './roles';
import { silentLog } from './telemetry/log';

const config = parseStageConfig({
  stage: 'test',
  slack: { groupCacheSeconds: 60 },
  roles: {
    users: { UBOSS: 'admin', UVIEW: 'viewer' },
    groups: { SOPS: 'operator' },
    bootstrapAdmins: ['UROOT'],
  },
});
const logger = silentLog();

function fakeClient(members: Record<string, string[]>, delayMs = 0) {
  const calls: string[] = [];
  return {
    calls,
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          if (!members[usergroup]) throw new Error('no_such_subteam');
          return { ok: true, users: members[usergroup] };
        },
      },
    },
  };
}

describe('createRoleResolver', () => {
  it('answers admins from config without calling Slack', async () => {
    const client = fakeClient({ SOPS: ['U1'] });
    const roles = createRoleResolver({ config, client: client as never, logger });
    expect(await roles.resolve('UBOSS')).toEqual({
      role: 'admin',
      anywhere: 'admin',
      groups: [],
      incomplete: false,
    });
    expect(await roles.resolve('UROOT')).toMatchObject({ role: 'admin', incomplete: false });
    expect(client.calls).toEqual([]);
  });
  it('gives group members the group role and caches the members for groupCacheSeconds', async () => {
    let t = 0;
    const client = fakeClient({ SOPS: ['U1', 'UVIEW'] });
    const roles = createRoleResolver({ config, client: client as never, logger, now: () => t });
    expect((await roles.resolve('U1')).role).toBe('operator');
    expect((await roles.resolve('UVIEW')).role).toBe('operator');
    expect((await roles.resolve('U2')).role).toBeUndefined();
    expect(client.calls).toEqual(['SOPS']);
    t = 61_000;
    await roles.resolve('U1');
    expect(client.calls).toEqual(['SOPS', 'SOPS']);
  });
  it('grants nothing from a group that does not answer in time, and says the answer is incomplete', async () => {
    const client = fakeClient({ SOPS: ['U1'] }, 200);
    const roles = createRoleResolver({ config, client: client as never, logger, timeoutMs: 20 });
    expect(await roles.resolve('U1')).toEqual({
      role: undefined,
      anywhere: undefined,
      groups: [],
      incomplete: true,
    });
    expect(await roles.resolve('UVIEW')).toMatchObject({ role: 'viewer', incomplete: true });
  });
  it('makes one call for concurrent lookups of the same group', async () => {
    const client = fakeClient({ SOPS: ['U1'] }, 10);
    const roles = createRoleResolver({ config, client: client as never, logger });
    await Promise.all([roles.resolve('U1'), roles.resolve('U2'), roles.resolve('U3')]);
    expect(client.calls).toEqual(['SOPS']);
  });
  it('reads per-account groups too, and says which configured groups the person is in (issue 15)', async () => {
    const fleet = parseStageConfig({
      stage: 'test',
      accounts: [
        { id: '111111111111', alias: 'dev' },
        { id: '222222222222', alias: 'prod' },
      ],
      roles: {
        users: { UBOSS: 'admin' },
        groups: { SOPS: 'operator' },
        accounts: { dev: { groups: { SDEV: 'viewer' } }, prod: { users: { UBOSS: 'viewer' } } },
      },
    });
    const client = fakeClient({ SOPS: ['U1'], SDEV: ['UDEV', 'U1'] });
    const roles = createRoleResolver({ config: fleet, client: client as never, logger });
    // No stage-wide role, a viewer in dev through a group: let through, the worker checks dev.
    expect(await roles.resolve('UDEV')).toEqual({
      role: undefined,
      anywhere: 'viewer',
      groups: ['SDEV'],
      incomplete: false,
    });
    expect(await roles.resolve('U1')).toMatchObject({ role: 'operator', groups: ['SDEV', 'SOPS'] });
    // A stage-wide admin is not an admin everywhere when accounts have their own roles: groups are read.
    expect(await roles.resolve('UBOSS')).toMatchObject({ role: 'admin', anywhere: 'admin' });
    expect(client.calls.sort()).toEqual(['SDEV', 'SOPS']);
  });
});
