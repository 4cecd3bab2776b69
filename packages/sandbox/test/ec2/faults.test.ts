import {
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { FaultSpecError } from '../../src/ec2/faults';
import { startEc2Emulator } from '../../src/ec2/server';
import { statsOf } from '../../src/ec2/stats';
import { errorOf, type Harness, startHarness } from './sg-eip-harness';

const harnesses: Harness[] = [];
async function harness(faults?: string): Promise<Harness> {
  const h = await startHarness({ faults });
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

/** The code of each call, in order ("ok" for successes), one call at a time. */
async function sequence(client: EC2Client, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 1) {
    try {
      await client.send(new DescribeAddressesCommand({}));
      out.push('ok');
    } catch (error) {
      const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
      out.push(`${e.name}/${e.$metadata?.httpStatusCode}`);
    }
  }
  return out;
}

describe('request throttling (throttle=on)', () => {
  it('answers RequestLimitExceeded (503) once an action empties its bucket, and only for that bucket', async () => {
    // Unfiltered DescribeSecurityGroups draws from the small bucket: 50 tokens, 10 a second,
    // scaled to a tenth (5 tokens, 1 a second) so that even a machine slow enough to take a
    // minute and a half over these 100 calls cannot refill the bucket in time.
    const h = await harness('throttle=on,throttle-scale=0.1');
    const started = performance.now();
    const unfiltered = await Promise.allSettled(
      Array.from({ length: 100 }, () => h.ec2.send(new DescribeSecurityGroupsCommand({}))),
    );
    const seconds = (performance.now() - started) / 1000;
    const refused = unfiltered.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(100 - refused.length).toBeLessThanOrEqual(5 + Math.ceil(seconds));
    const error = (refused[0] as PromiseRejectedResult).reason as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    expect(error.name).toBe('RequestLimitExceeded');
    expect(error.$metadata.httpStatusCode).toBe(503);
    // The same action with a filter uses the standard bucket (100 tokens, 10 at this scale), still full.
    const filtered = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        h.ec2.send(
          new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
        ),
      ),
    );
    expect(filtered.filter((r) => r.status === 'rejected')).toHaveLength(0);
    // Another region has its own buckets.
    await h.client({ region: 'eu-west-1' }).send(new DescribeSecurityGroupsCommand({}));
  });

  it('writes the refusal in EC2 error format', async () => {
    const h = await harness('throttle=on,throttle-scale=0.02');
    const post = () =>
      fetch(h.emulator.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ReleaseAddress&Version=2016-11-15&AllocationId=eipalloc-0123456789abcdef0',
      });
    expect((await post()).status).toBe(400); // the one token: InvalidAllocationID.NotFound
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>RequestLimitExceeded<\/Code><Message>Request limit exceeded.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  it('lets the SDK retry until the bucket refills, so every call ends in success', async () => {
    const h = await harness('throttle=on,throttle-scale=0.2');
    // Unfiltered DescribeSecurityGroups at a fifth of EC2's size: 10 tokens, 2 a second.
    const patient = h.client({ maxAttempts: 8 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => patient.send(new DescribeSecurityGroupsCommand({}))),
    );
    expect(results.every((r) => (r.SecurityGroups ?? []).length > 0)).toBe(true);
    const stats = statsOf(h.emulator.store).snapshot().actions.DescribeSecurityGroups!;
    expect(stats.ok).toBe(12);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.errors.RequestLimitExceeded).toBe(stats.throttled);
  });
});

describe('throttle-rate and error-rate', () => {
  it('fails a fraction of requests, the same ones for the same seed', async () => {
    const spec = 'seed=42,throttle-rate=0.2,error-rate=0.2,error-codes=500:503';
    const a = await sequence((await harness(spec)).ec2, 60);
    const b = await sequence((await harness(spec)).ec2, 60);
    const c = await sequence(
      (await harness('seed=43,throttle-rate=0.2,error-rate=0.2,error-codes=500:503')).ec2,
      60,
    );
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(new Set(a)).toEqual(
      new Set(['ok', 'RequestLimitExceeded/503', 'InternalError/500', 'Unavailable/503']),
    );
    const failed = a.filter((x) => x !== 'ok').length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(40);
  });

  it('with SDK retries, a run with 20% throttling still succeeds on every call', async () => {
    const h = await harness('seed=5,throttle-rate=0.2');
    const patient = h.client({ maxAttempts: 10 });
    for (let i = 0; i < 8; i += 1) {
      await patient.send(new CreateSecurityGroupCommand({ GroupName: `retry-${i}`, Description: 'x' }));
    }
    const groups = await patient.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['retry-*'] }] }),
    );
    expect(groups.SecurityGroups).toHaveLength(8);
  });

  it('changes nothing when it fails a request', async () => {
    const h = await harness('error-rate=1,actions=CreateSecurityGroup');
    const error = await errorOf(
      h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'never', Description: 'x' })),
    );
    expect(['InternalError', 'Unavailable']).toContain(error.code);
    expect([500, 503]).toContain(error.status);
    // Other actions are untouched.
    const out = await h.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['never'] }] }),
    );
    expect(out.SecurityGroups).toEqual([]);
  });

  it('adds the latency asked for', async () => {
    const h = await harness('latency=40-50ms');
    const started = performance.now();
    await h.ec2.send(new DescribeAddressesCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });
});

describe('faults at run time (/_emulator/faults)', () => {
  it('turns faults on and off without a restart, and refuses a bad spec', async () => {
    const h = await harness();
    expect((await h.control('GET', '/_emulator/faults')).json).toMatchObject({ active: false });
    const on = await h.control('POST', '/_emulator/faults', { spec: 'seed=1,throttle-rate=1' });
    expect(on).toMatchObject({ status: 200, json: { active: true, spec: { throttleRate: 1 } } });
    expect((await errorOf(h.ec2.send(new DescribeAddressesCommand({})))).code).toBe('RequestLimitExceeded');
    const bad = await h.control('POST', '/_emulator/faults', { spec: 'throttle-rate=lots' });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toContain('"throttle-rate=lots"');
    await h.control('DELETE', '/_emulator/faults');
    await h.ec2.send(new DescribeAddressesCommand({}));
  });
});

describe('bad --faults specs', () => {
  it('stop the emulator from starting, naming the bad part', async () => {
    await expect(startEc2Emulator({ faults: 'seed=1,error-rate=1.5' })).rejects.toThrow(FaultSpecError);
    await expect(startEc2Emulator({ faults: 'seed=1,error-rate=1.5' })).rejects.toThrow('"error-rate=1.5"');
  });

  it('make `ec2ops emulator` exit non-zero with the reason on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main(['emulator', '--port', '0', '--faults', 'throttle=maybe']);
      expect(code).not.toBe(0);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('"throttle=maybe"');
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });
});

describe('request counters (/_emulator/stats)', () => {
  it('count requests per action with their outcomes, in process and over HTTP', async () => {
    const h = await harness();
    await h.ec2.send(new DescribeAddressesCommand({}));
    await h.ec2.send(new DescribeAddressesCommand({}));
    await errorOf(
      h.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] })),
    );
    await errorOf(h.ec2.send(new DescribeAddressesCommand({ DryRun: true })));
    const { json } = await h.control('GET', '/_emulator/stats');
    expect(json).toMatchObject({
      total: 4,
      ok: 2,
      errors: 2,
      throttled: 0,
      actions: {
        DescribeAddresses: {
          requests: 4,
          ok: 2,
          errors: { 'InvalidAllocationID.NotFound': 1, DryRunOperation: 1 },
          throttled: 0,
          injected: 0,
        },
      },
    });
    expect(statsOf(h.emulator.store).count('DescribeAddresses')).toBe(4);
    await h.control('DELETE', '/_emulator/stats');
    expect(statsOf(h.emulator.store).snapshot().total).toBe(0);
  });
});
