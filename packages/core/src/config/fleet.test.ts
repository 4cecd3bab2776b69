import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { chooseTarget } from './fleet';
import { rolesIn } from './roles';
import { parseStageConfig } from './schema';

const base = { stage: 'hub', regions: ['us-east-1', 'eu-west-1'] };
const fleet = {
  ...base,
  accounts: [
    { id: '111111111111', alias: 'dev', externalId: 'ec2ops-dev-x' },
    { id: '222222222222', alias: 'prod', regions: ['eu-west-1'] },
  ],
};

function problems(input: unknown): string {
  try {
    parseStageConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the config was accepted');
}

describe('stage accounts (issue 15)', () => {
  it('a stage without accounts stays the single-account default', () => {
    const config = parseStageConfig(base);
    expect(config.accounts).toBeUndefined();
    expect(config.organization).toBeUndefined();
  });

  it('accepts member accounts, an organization and channel bindings', () => {
    const config = parseStageConfig({
      ...fleet,
      organization: { ous: ['ou-root-ec2opsabc'] },
      channels: { C0DEV: { account: 'dev', region: 'eu-west-1' } },
    });
    expect(config.accounts?.map((a) => a.alias)).toEqual(['dev', 'prod']);
    expect(config.organization).toEqual({ ous: ['ou-root-ec2opsabc'], cacheMinutes: 15 });
  });

  it('names each bad field with what to write instead', () => {
    const message = problems({
      ...base,
      accounts: [{ id: '1234', alias: 'Dev!' }],
      organization: { ous: ['root'] },
    });
    expect(message).toContain('accounts.0.id: must be a 12-digit AWS account id');
    expect(message).toContain('accounts.0.alias: must be lower-case letters');
    expect(message).toContain('organization.ous.0: must be an OU id');
  });

  it('refuses an id or alias listed twice, naming the first', () => {
    const message = problems({
      ...base,
      accounts: [
        { id: '111111111111', alias: 'dev' },
        { id: '111111111111', alias: 'dev' },
      ],
    });
    expect(message).toContain('accounts.1.id: account 111111111111 is already listed at accounts.0');
    expect(message).toContain('accounts.1.alias: alias "dev" is already used by accounts.0');
  });

  it('refuses a channel bound to an unknown account or to a region that account does not use', () => {
    const message = problems({
      ...fleet,
      channels: { C0X: { account: 'staging' }, C0Y: { account: 'prod', region: 'us-east-1' } },
    });
    expect(message).toContain(
      'channels.C0X.account: "staging" is not a configured account; known: dev, prod',
    );
    expect(message).toContain('channels.C0Y.region: us-east-1 is not one of eu-west-1');
  });

  it('refuses per-account roles for an account that is not configured', () => {
    const message = problems({ ...fleet, roles: { accounts: { qa: { users: { U0AAAAAAA: 'viewer' } } } } });
    expect(message).toContain('roles.accounts.qa: "qa" is not a configured account');
  });
});

describe('roles per account', () => {
  const config = parseStageConfig({
    ...fleet,
    roles: {
      users: { U0OPERATOR: 'operator' },
      bootstrapAdmins: ['U0ADMIN'],
      accounts: { prod: { users: { U0OPERATOR: 'viewer' } } },
    },
  });
  const dev = config.accounts![0]!;
  const prod = config.accounts![1]!;

  it('an account with its own mapping uses only that one (an operator in dev is a viewer in prod)', () => {
    expect(rolesIn(config.roles, dev).users['U0OPERATOR']).toBe('operator');
    expect(rolesIn(config.roles, prod).users['U0OPERATOR']).toBe('viewer');
  });

  it('bootstrap admins stay admins everywhere; the hub account uses the stage mapping', () => {
    expect(rolesIn(config.roles, prod).bootstrapAdmins).toEqual(['U0ADMIN']);
    expect(rolesIn(config.roles, undefined)).toBe(config.roles);
  });
});

describe('where a command acts (account= and region=)', () => {
  const config = parseStageConfig({
    ...fleet,
    channels: { C0PROD: { account: 'prod' }, C0DEVEU: { account: 'dev', region: 'eu-west-1' } },
  });
  const where = (asked: Parameters<typeof chooseTarget>[1]) => {
    const t = chooseTarget(config, asked);
    return `${t.account?.alias ?? 'hub'}/${t.region}`;
  };

  it('defaults to the first account and region of the stage', () => {
    expect(where({})).toBe('dev/us-east-1');
  });

  it('takes the channel binding, then what the command says over it', () => {
    expect(where({ channel: 'C0PROD' })).toBe('prod/eu-west-1');
    expect(where({ channel: 'C0DEVEU' })).toBe('dev/eu-west-1');
    expect(where({ channel: 'C0DEVEU', region: 'us-east-1' })).toBe('dev/us-east-1');
    expect(where({ channel: 'C0DEVEU', account: '222222222222' })).toBe('prod/eu-west-1');
  });

  it('refuses an unknown account or a region that account does not use, naming the choices', () => {
    expect(() => where({ account: 'qa' })).toThrow(
      expect.objectContaining({
        code: 'fleet.unknown-account',
        message: expect.stringContaining('dev, prod'),
      }),
    );
    expect(() => where({ account: 'prod', region: 'us-east-1' })).toThrow(
      expect.objectContaining({
        code: 'fleet.unknown-region',
        message: expect.stringContaining('eu-west-1'),
      }),
    );
  });

  it('a stage without members acts in the hub account and refuses account=', () => {
    const single = parseStageConfig(base);
    expect(chooseTarget(single, { region: 'eu-west-1' })).toEqual({
      account: undefined,
      region: 'eu-west-1',
    });
    expect(() => chooseTarget(single, { account: 'dev' })).toThrow(
      expect.objectContaining({ code: 'fleet.unknown-account' }),
    );
  });
});
