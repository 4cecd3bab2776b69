import { describe, expect, it } from 'vitest';
import { type SpanAccount, spanPlaces } from './fleet';
import { configuredGroups, roleAnywhere, roleInAccount } from './roles';
import { parseStageConfig } from './schema';

/** Issue 15: the role a person has in each account, and which accounts a spanning list reads. */
const config = parseStageConfig({
  stage: 'hub',
  regions: ['us-east-1', 'eu-west-1'],
  accounts: [
    { id: '111111111111', alias: 'dev' },
    { id: '222222222222', alias: 'prod', regions: ['eu-west-1'] },
    { id: '333333333333', alias: 'qa' },
  ],
  roles: {
    users: { U0OPS: 'operator', U0VIEW: 'viewer' },
    groups: { S0SRE: 'admin' },
    bootstrapAdmins: ['U0BOOT'],
    accounts: {
      dev: { users: { U0DEV: 'viewer', U0OPS: 'operator' }, groups: { S0DEVS: 'operator' } },
      '222222222222': { users: { U0OPS: 'viewer' }, groups: { S0SRE: 'viewer' } },
    },
  },
});
const [dev, prod, qa] = config.accounts!.map((a) => ({ id: a.id, alias: a.alias }));
const accounts: SpanAccount[] = config.accounts!.map((a) => ({
  id: a.id,
  alias: a.alias,
  regions: a.regions ?? config.regions,
}));
const list = { name: 'eip list', role: 'viewer' as const };

describe('roleInAccount', () => {
  it('gives a bootstrap admin the admin role in every account', () => {
    for (const account of [dev, prod, qa, undefined])
      expect(roleInAccount({ id: 'U0BOOT' }, config.roles, account)).toBe('admin');
  });

  it('uses only the account’s own users and groups where roles.accounts lists it (by alias or id), up or down', () => {
    expect(roleInAccount({ id: 'U0OPS' }, config.roles, prod)).toBe('viewer');
    expect(roleInAccount({ id: 'U0DEV' }, config.roles, dev)).toBe('viewer');
    expect(roleInAccount({ id: 'U0NEW', groups: ['S0DEVS'] }, config.roles, dev)).toBe('operator');
    // A stage-wide admin through S0SRE is only a viewer in prod, and nothing in dev (not listed there).
    expect(roleInAccount({ id: 'U0SRE', groups: ['S0SRE'] }, config.roles, prod)).toBe('viewer');
    expect(roleInAccount({ id: 'U0SRE', groups: ['S0SRE'] }, config.roles, dev)).toBeUndefined();
    expect(roleInAccount({ id: 'U0VIEW' }, config.roles, dev)).toBeUndefined();
  });

  it('uses the stage-wide users and groups in an account roles.accounts does not list, and in the hub', () => {
    expect(roleInAccount({ id: 'U0OPS' }, config.roles, qa)).toBe('operator');
    expect(roleInAccount({ id: 'U0SRE', groups: ['S0SRE'] }, config.roles, qa)).toBe('admin');
    expect(roleInAccount({ id: 'U0DEV' }, config.roles, qa)).toBeUndefined();
    expect(roleInAccount({ id: 'U0VIEW' }, config.roles, undefined)).toBe('viewer');
  });

  it('takes the highest where several entries name the person', () => {
    expect(roleInAccount({ id: 'U0DEV', groups: ['S0DEVS'] }, config.roles, dev)).toBe('operator');
  });

  it('grants nothing for a group the person is not in', () => {
    expect(roleInAccount({ id: 'U0NEW', groups: ['S0OTHER'] }, config.roles, dev)).toBeUndefined();
  });
});

describe('roleAnywhere and configuredGroups', () => {
  it('is the highest role in any account: what lets a dev-only viewer reach the worker', () => {
    expect(roleAnywhere({ id: 'U0DEV' }, config.roles)).toBe('viewer');
    expect(roleAnywhere({ id: 'U0NEW', groups: ['S0DEVS'] }, config.roles)).toBe('operator');
    expect(roleAnywhere({ id: 'U0NOBODY' }, config.roles)).toBeUndefined();
  });

  it('lists every group mapped stage-wide or in an account, once', () => {
    expect(configuredGroups(config.roles)).toEqual(['S0DEVS', 'S0SRE']);
  });
});

describe('spanPlaces', () => {
  const where = (places: ReturnType<typeof spanPlaces>) =>
    places.map((p) => `${p.account.alias}/${p.region}:${p.role}`);

  it('reads every account where the role is at least the command’s, each of its regions, in order', () => {
    expect(where(spanPlaces(config, accounts, { id: 'U0OPS' }, {}, list))).toEqual([
      'dev/us-east-1:operator',
      'dev/eu-west-1:operator',
      'prod/eu-west-1:viewer',
      'qa/us-east-1:operator',
      'qa/eu-west-1:operator',
    ]);
  });

  it('leaves out, without an error, the accounts where the person has no role', () => {
    expect(where(spanPlaces(config, accounts, { id: 'U0DEV' }, {}, list))).toEqual([
      'dev/us-east-1:viewer',
      'dev/eu-west-1:viewer',
    ]);
    expect(spanPlaces(config, accounts, { id: 'U0NOBODY' }, {}, list)).toEqual([]);
  });

  it('narrows to region= across accounts, and to account= alone', () => {
    expect(where(spanPlaces(config, accounts, { id: 'U0OPS' }, { region: 'eu-west-1' }, list))).toEqual([
      'dev/eu-west-1:operator',
      'prod/eu-west-1:viewer',
      'qa/eu-west-1:operator',
    ]);
    expect(where(spanPlaces(config, accounts, { id: 'U0OPS' }, { account: '222222222222' }, list))).toEqual([
      'prod/eu-west-1:viewer',
    ]);
  });

  it('refuses a named account where the role is too low, and unknown accounts and regions, with stable codes', () => {
    expect(() => spanPlaces(config, accounts, { id: 'U0DEV' }, { account: 'prod' }, list)).toThrow(
      expect.objectContaining({ code: 'fleet.no-role-there' }),
    );
    expect(() =>
      spanPlaces(config, accounts, { id: 'U0OPS' }, { account: 'prod' }, { name: 'x', role: 'operator' }),
    ).toThrow(
      expect.objectContaining({ code: 'fleet.no-role-there', message: expect.stringContaining('viewer') }),
    );
    expect(() => spanPlaces(config, accounts, { id: 'U0OPS' }, { account: 'staging' }, list)).toThrow(
      expect.objectContaining({ code: 'fleet.unknown-account' }),
    );
    expect(() => spanPlaces(config, accounts, { id: 'U0OPS' }, { region: 'ap-south-1' }, list)).toThrow(
      expect.objectContaining({ code: 'fleet.unknown-region' }),
    );
    expect(() =>
      spanPlaces(config, accounts, { id: 'U0OPS' }, { account: 'prod', region: 'us-east-1' }, list),
    ).toThrow(expect.objectContaining({ code: 'fleet.unknown-region' }));
  });
});
