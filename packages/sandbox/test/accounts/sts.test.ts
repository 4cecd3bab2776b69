import {
  AllocateAddressCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIamEnforcer, type IamPolicy } from '../../src/iam/index';
import { failure, startTestEmulator, type TestEmulator } from '../ec2/harness';

/**
 * STS on the emulator, through the real SDKs: AssumeRole hands out credentials bound to the
 * target account, requests signed with them act in that account's state only, and every refusal
 * (caller not trusted, wrong ExternalId, no such role, expired credentials) is answered as AWS does.
 */
const HUB = '123456789012';
const DEV = '111111111111';
const PROD = '222222222222';
const ROLE = 'ec2ops-member-test';
const EXTERNAL_ID = 'ext-ec2ops-test';
const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE}`;
const READ_ONLY: IamPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
};
const ADDRESSES: IamPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'ec2:AllocateAddress'], Resource: '*' }],
};

let t: TestEmulator;
const clients: Array<{ destroy(): void }> = [];
const sts = (accessKeyId: string) => {
  const client = new STSClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};
const ec2With = (
  credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string },
  region = 'us-east-1',
) => {
  const client = new EC2Client({
    endpoint: t.url,
    region,
    credentials: {
      accessKeyId: credentials.AccessKeyId!,
      secretAccessKey: credentials.SecretAccessKey!,
      sessionToken: credentials.SessionToken!,
    },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};
/** `externalId: null` sends none. */
const assume = (caller: string, account: string, externalId: string | null = EXTERNAL_ID) =>
  sts(caller).send(
    new AssumeRoleCommand({
      RoleArn: roleArn(account),
      RoleSessionName: `${caller}-req-1`,
      DurationSeconds: 3600,
      ...(externalId === null ? {} : { ExternalId: externalId }),
    }),
  );

beforeAll(async () => {
  const enforcer = createIamEnforcer({
    Worker: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::*:role/${ROLE}` },
      ],
    },
    // Trusted by the member roles, but its own policy does not allow sts:AssumeRole.
    Slack: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
    },
    Stranger: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    AKIDEXAMPLE: '*',
  });
  t = await startTestEmulator({
    interceptors: [enforcer.interceptor],
    authorizeCall: enforcer.allows,
    accounts: [
      {
        id: DEV,
        alias: 'dev',
        roles: [{ name: ROLE, trusted: ['Worker', 'Slack'], externalId: EXTERNAL_ID, policy: ADDRESSES }],
      },
      {
        id: PROD,
        alias: 'prod',
        roles: [{ name: ROLE, trusted: ['Worker', 'Slack'], externalId: EXTERNAL_ID, policy: READ_ONLY }],
      },
    ],
  });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await t?.close();
});

describe('STS AssumeRole on the emulator', () => {
  it('gives a trusted hub caller temporary credentials for the member account, expiring on the emulator clock', async () => {
    const clockNow = async () =>
      Date.parse(((await t.control('GET', '/_emulator/clock')).json as { now: string }).now);
    const before = await clockNow();
    const answer = await assume('Worker', DEV);
    const after = await clockNow();
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(answer.Credentials?.SessionToken).toBeTruthy();
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${DEV}:assumed-role/${ROLE}/Worker-req-1`);
    const expires = answer.Credentials!.Expiration!.getTime();
    // An hour after the call on the emulator's clock (STS writes whole seconds).
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(after + 3600_000);
    const identity = await sts(answer.Credentials!.AccessKeyId!)
      .send(new GetCallerIdentityCommand({}))
      .catch(() => undefined);
    // Without the session token the credentials are not recognised.
    expect(identity).toBeUndefined();
  });

  it('acts in the target account only: what one account creates, neither the hub nor the other member sees', async () => {
    const dev = ec2With((await assume('Worker', DEV)).Credentials!);
    const prod = ec2With((await assume('Worker', PROD)).Credentials!);
    const allocated = await dev.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const ids = async (client: EC2Client) =>
      ((await client.send(new DescribeAddressesCommand({}))).Addresses ?? []).map((a) => a.AllocationId);
    expect(await ids(dev)).toContain(allocated.AllocationId);
    expect(await ids(prod)).not.toContain(allocated.AllocationId);
    expect(await ids(t.ec2)).not.toContain(allocated.AllocationId);
    expect(
      t.emulator.accounts
        .get(DEV)
        ?.store.regions()
        .map((r) => r.region),
    ).toContain('us-east-1');
  });

  it("holds the session to the member role's policy: prod's read-only role cannot launch", async () => {
    const prod = ec2With((await assume('Worker', PROD)).Credentials!);
    await expect(prod.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
    const denied = await failure(
      prod.send(new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', MinCount: 1, MaxCount: 1 })),
    );
    expect(denied.code).toBe('UnauthorizedOperation');
    expect(denied.message).toContain(`arn:aws:sts::${PROD}:assumed-role/${ROLE}/Worker-req-1`);
  });

  it("answers GetCallerIdentity with the session's account and ARN", async () => {
    const { Credentials } = await assume('Worker', PROD);
    const client = new STSClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    clients.push(client);
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(PROD);
    expect(identity.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/${ROLE}/Worker-req-1`);
    expect((await sts('Worker').send(new GetCallerIdentityCommand({}))).Account).toBe(HUB);
  });
});

describe('AssumeRole refusals, answered AccessDenied as STS answers them', () => {
  const refusal = async (call: Promise<unknown>) => {
    const caught = await failure(call);
    return { code: caught.code, status: caught.status };
  };

  it('refuses a caller the role does not trust', async () => {
    expect(await refusal(assume('Stranger', DEV))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('refuses a trusted caller whose own policy lacks sts:AssumeRole on the role', async () => {
    expect(await refusal(assume('Slack', DEV))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('refuses a wrong or missing ExternalId', async () => {
    expect(await refusal(assume('Worker', DEV, 'ext-someone-else'))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    expect(await refusal(assume('Worker', DEV, null))).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('refuses a role the account does not have, and an account that is not there', async () => {
    const call = (arn: string) =>
      sts('Worker').send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'Worker-x', ExternalId: EXTERNAL_ID }),
      );
    expect(await refusal(call(`arn:aws:iam::${DEV}:role/some-other-role`))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    expect(await refusal(call(`arn:aws:iam::333333333333:role/${ROLE}`))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
  });

  it('refuses a role a test broke, and issues again once it is back; sessions of a broken role may do nothing', async () => {
    const before = ec2With((await assume('Worker', PROD)).Credentials!);
    const broken = await t.control('POST', `/_emulator/accounts/${PROD}/role`, { state: 'missing' });
    expect(broken.status).toBe(200);
    try {
      expect(await refusal(assume('Worker', PROD))).toEqual({ code: 'AccessDenied', status: 403 });
      expect((await failure(before.send(new DescribeInstancesCommand({})))).code).toBe(
        'UnauthorizedOperation',
      );
    } finally {
      await t.control('POST', `/_emulator/accounts/${PROD}/role`, { state: 'present' });
    }
    await expect(assume('Worker', PROD)).resolves.toBeDefined();
  });

  it('rejects a malformed session name or duration with ValidationError, issuing nothing', async () => {
    const bad = (input: { RoleSessionName: string; DurationSeconds?: number }) =>
      refusal(
        sts('Worker').send(
          new AssumeRoleCommand({ RoleArn: roleArn(DEV), ExternalId: EXTERNAL_ID, ...input }),
        ),
      );
    expect(await bad({ RoleSessionName: 'has space' })).toEqual({ code: 'ValidationError', status: 400 });
    expect(await bad({ RoleSessionName: 'x'.repeat(65) })).toEqual({ code: 'ValidationError', status: 400 });
    expect(await bad({ RoleSessionName: 'ok-name', DurationSeconds: 60 })).toEqual({
      code: 'ValidationError',
      status: 400,
    });
    // Above the role's MaxSessionDuration (3600 by default).
    expect(await bad({ RoleSessionName: 'ok-name', DurationSeconds: 7200 })).toEqual({
      code: 'ValidationError',
      status: 400,
    });
  });
});

describe('credentials past their expiry', () => {
  it('are refused by EC2 (RequestExpired) and STS (ExpiredToken) once the emulator clock passes Expiration', async () => {
    const { Credentials } = await assume('Worker', DEV);
    const dev = ec2With(Credentials!);
    await expect(dev.send(new DescribeAddressesCommand({}))).resolves.toBeDefined();
    await t.control('POST', '/_emulator/clock/advance', { seconds: 3601 });
    expect(await failure(dev.send(new DescribeAddressesCommand({})))).toMatchObject({
      code: 'RequestExpired',
      status: 400,
    });
    const stale = new STSClient({
      endpoint: t.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    clients.push(stale);
    expect(await failure(stale.send(new GetCallerIdentityCommand({})))).toMatchObject({
      code: 'ExpiredToken',
      status: 403,
    });
    // New credentials work again at the new time.
    await expect(
      ec2With((await assume('Worker', DEV)).Credentials!).send(new DescribeAddressesCommand({})),
    ).resolves.toBeDefined();
  });

  it('refuses a session key with a forged token as unknown credentials (AuthFailure)', async () => {
    const { Credentials } = await assume('Worker', DEV);
    const forged = ec2With({ ...Credentials!, SessionToken: 'forged' });
    expect(await failure(forged.send(new DescribeAddressesCommand({})))).toMatchObject({
      code: 'AuthFailure',
      status: 401,
    });
  });
});

describe('many AssumeRole calls at once', () => {
  it('issues N distinct sessions, each acting in its own target account', async () => {
    const N = 24;
    const targets = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? DEV : PROD));
    const answers = await Promise.all(targets.map((account) => assume('Worker', account)));
    const keys = new Set(answers.map((a) => a.Credentials?.AccessKeyId));
    expect(keys.size).toBe(N);
    const identities = await Promise.all(
      answers.map((a) => {
        const client = new STSClient({
          endpoint: t.url,
          region: 'us-east-1',
          credentials: {
            accessKeyId: a.Credentials!.AccessKeyId!,
            secretAccessKey: a.Credentials!.SecretAccessKey!,
            sessionToken: a.Credentials!.SessionToken!,
          },
        });
        clients.push(client);
        return client.send(new GetCallerIdentityCommand({}));
      }),
    );
    expect(identities.map((i) => i.Account)).toEqual(targets);
  });
});
