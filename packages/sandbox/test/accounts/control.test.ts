import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestEmulator, type TestEmulator } from '../ec2/harness';
import { clientsAt } from './support';

/**
 * The accounts control routes: adding a member is idempotent under concurrent calls, bad input is
 * a 400 that changes nothing, and `?account=` steers the other control routes to one account.
 */
let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t?.close();
});

const accountIds = async () =>
  ((await t.control('GET', '/_emulator/accounts')).json as Array<{ id: string }>).map((a) => a.id);

describe('the accounts control routes', () => {
  it('adds a member once however many identical requests arrive together', async () => {
    const N = 16;
    const answers = await Promise.all(
      Array.from({ length: N }, () =>
        t.control('POST', '/_emulator/accounts', {
          id: '333333333333',
          alias: 'qa',
          roles: [{ name: 'ec2ops-member', trusted: ['Worker'] }],
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    expect(await accountIds()).toEqual(['123456789012', '333333333333']);
    expect(t.emulator.accounts.get('333333333333')?.roles.size).toBe(1);
  });

  it('refuses a malformed id, the hub’s id, a taken alias and a bad role, changing nothing', async () => {
    const before = await accountIds();
    for (const body of [
      { id: '12345' },
      { id: '123456789012' },
      { id: '444444444444', alias: 'qa' },
      { id: '444444444444', roles: [{ name: 'r', state: 'gone' }] },
      { id: '444444444444', alias: 'Has Spaces' },
    ]) {
      expect((await t.control('POST', '/_emulator/accounts', body)).status).toBe(400);
    }
    expect(await accountIds()).toEqual(before);
    expect(
      (await t.control('POST', '/_emulator/accounts/999999999999/role', { state: 'missing' })).status,
    ).toBe(404);
  });

  it('steers stats and state to the account named by id or alias, and 404s an unknown one', async () => {
    expect((await t.control('GET', '/_emulator/stats?account=qa')).status).toBe(200);
    const state = (await t.control('GET', '/_emulator/state?account=333333333333')).json as {
      accountId: string;
    };
    expect(state.accountId).toBe('333333333333');
    expect((await t.control('GET', '/_emulator/stats?account=nobody')).status).toBe(404);
  });

  it('sets faults for every account without ?account=, and for one account with it', async () => {
    t.emulator.accounts.bindKey('admin-qa', '333333333333');
    const clients = clientsAt(t.url);
    const hub = clients.ec2('Worker');
    const qa = clients.ec2('admin-qa');
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'ok',
        (error: { name: string }) => error.name,
      );
    try {
      expect((await t.control('POST', '/_emulator/faults', { spec: 'throttle-rate=1' })).status).toBe(200);
      expect(await outcome(hub.send(new DescribeVpcsCommand({})))).toBe('RequestLimitExceeded');
      expect(await outcome(qa.send(new DescribeVpcsCommand({})))).toBe('RequestLimitExceeded');
      expect((await t.control('DELETE', '/_emulator/faults?account=qa')).status).toBe(200);
      expect(await outcome(qa.send(new DescribeVpcsCommand({})))).toBe('ok');
      expect((await failure(hub.send(new DescribeVpcsCommand({})))).code).toBe('RequestLimitExceeded');
      // Each account counts its own requests.
      const stats = (await t.control('GET', '/_emulator/stats/accounts')).json as Record<
        string,
        { actions: Record<string, { requests: number; throttled: number }> }
      >;
      expect(stats['333333333333']?.actions['DescribeVpcs']).toMatchObject({ requests: 2, throttled: 1 });
      expect(stats['123456789012']?.actions['DescribeVpcs']).toMatchObject({ requests: 2, throttled: 2 });
    } finally {
      await t.control('DELETE', '/_emulator/faults');
      clients.destroy();
    }
  });
});
