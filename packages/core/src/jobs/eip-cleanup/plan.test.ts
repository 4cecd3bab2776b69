import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Address, decide, type EipPolicy, planEipCleanup } from './plan';

const DAY = 86_400_000;
const NOW = new Date('2026-11-23T15:00:00.000Z');
const policy: EipPolicy = { tagPrefix: 'ec2ops:', scope: 'managed', graceMs: 7 * DAY, warnBeforeMs: DAY };

function address(id: string, tags: Record<string, string> = {}, extra: Partial<Address> = {}): Address {
  return {
    allocationId: id,
    publicIp: `203.0.113.${id.length}`,
    tags: { 'ec2ops:managed': 'true', ...tags },
    ...extra,
  };
}
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('eip-cleanup plan', () => {
  it('marks an idle managed address the first time it is seen, with now in UTC', () => {
    const plan = planEipCleanup('us-east-1', [address('eipalloc-1')], policy, NOW);
    expect(plan.items).toEqual([
      expect.objectContaining({
        id: 'eipalloc-1',
        action: 'mark',
        data: expect.objectContaining({ value: '2026-11-23T15:00:00.000Z' }),
      }),
    ]);
    expect(plan.idle[0]).toMatchObject({
      allocationId: 'eipalloc-1',
      timeLeftMs: 7 * DAY,
      releaseAt: '2026-11-30T15:00:00.000Z',
    });
  });

  it('releases nothing that is associated', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [
        address('eipalloc-a', {}, { associationId: 'eipassoc-1', instanceId: 'i-1' }),
        address('eipalloc-b', {}, { networkInterfaceId: 'eni-1' }),
      ],
      policy,
      NOW,
    );
    expect(plan.items).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['associated', 'associated']);
  });

  it('never touches an address tagged keep=true, even idle for months with an old mark', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [address('eipalloc-k', { 'ec2ops:keep': 'true', 'ec2ops:idle-since': ago(90 * DAY) })],
      policy,
      NOW,
    );
    expect(plan.items).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('tagged ec2ops:keep=true');
  });

  it('leaves unmanaged addresses alone when the scope is "managed", and handles them when it is "all"', () => {
    const unmanaged: Address = { allocationId: 'eipalloc-u', publicIp: '198.51.100.1', tags: {} };
    expect(planEipCleanup('us-east-1', [unmanaged], policy, NOW).items).toEqual([]);
    expect(planEipCleanup('us-east-1', [unmanaged], { ...policy, scope: 'all' }, NOW).items[0]?.action).toBe(
      'mark',
    );
  });

  it('keeps an address idle for less than the grace period and says how long it has left', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [address('eipalloc-y', { 'ec2ops:idle-since': ago(3 * DAY) })],
      policy,
      NOW,
    );
    expect(plan.items).toEqual([]);
    expect(plan.idle[0]?.timeLeftMs).toBe(4 * DAY);
    expect(plan.sections?.[0]?.lines[0]).toContain('released in 4d');
  });

  it('releases an address idle for the grace period or longer', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [
        address('eipalloc-old', { 'ec2ops:idle-since': ago(8 * DAY) }),
        address('eipalloc-edge', { 'ec2ops:idle-since': ago(7 * DAY) }),
      ],
      policy,
      NOW,
    );
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([
      ['eipalloc-old', 'release'],
      ['eipalloc-edge', 'release'],
    ]);
  });

  it('compares instants, not local dates: an offset idle-since counts from its real instant', () => {
    // 2026-11-16T16:30+01:00 is 15:30Z: 6d 23h 30m before NOW, so not yet due.
    const early = address('eipalloc-tz', { 'ec2ops:idle-since': '2026-11-16T16:30:00+01:00' });
    expect(decide(early, policy, NOW.getTime()).kind).toBe('idle');
    const due = address('eipalloc-tz', { 'ec2ops:idle-since': '2026-11-16T15:30:00+01:00' });
    expect(decide(due, policy, NOW.getTime()).kind).toBe('release');
  });

  it('clears the idle mark (and warned-at) of an address that is associated again', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [
        address(
          'eipalloc-r',
          { 'ec2ops:idle-since': ago(2 * DAY), 'ec2ops:warned-at': ago(DAY) },
          { associationId: 'eipassoc-9' },
        ),
      ],
      policy,
      NOW,
    );
    expect(plan.items).toEqual([
      expect.objectContaining({
        action: 'unmark',
        data: expect.objectContaining({ keys: ['ec2ops:idle-since', 'ec2ops:warned-at'] }),
      }),
    ]);
  });

  it('restarts the count when the idle-since tag is not an ISO-8601 instant', () => {
    const plan = planEipCleanup(
      'us-east-1',
      [address('eipalloc-bad', { 'ec2ops:idle-since': 'last tuesday' })],
      policy,
      NOW,
    );
    expect(plan.items[0]).toMatchObject({
      action: 'mark',
      reason: expect.stringContaining('not an ISO-8601 instant'),
    });
  });

  it('warns the owner once, within warnBefore of the release', () => {
    const due = { 'ec2ops:idle-since': ago(6 * DAY + 2 * 3_600_000), 'ec2ops:owner': 'U123' };
    const first = planEipCleanup('us-east-1', [address('eipalloc-w', due)], policy, NOW);
    expect(first.items[0]).toMatchObject({
      action: 'warn',
      data: expect.objectContaining({ owner: 'U123' }),
    });
    const warned = planEipCleanup(
      'us-east-1',
      [address('eipalloc-w', { ...due, 'ec2ops:warned-at': ago(3_600_000) })],
      policy,
      NOW,
    );
    expect(warned.items).toEqual([]);
    const noOwner = planEipCleanup(
      'us-east-1',
      [address('eipalloc-w', { 'ec2ops:idle-since': due['ec2ops:idle-since'] })],
      policy,
      NOW,
    );
    expect(noOwner.items).toEqual([]);
    const early = planEipCleanup(
      'us-east-1',
      [address('eipalloc-w', { ...due, 'ec2ops:idle-since': ago(2 * DAY) })],
      policy,
      NOW,
    );
    expect(early.items).toEqual([]);
  });

  it('does not try to DM an owner tag that is not a Slack user id, and says so', () => {
    const tags = { 'ec2ops:idle-since': ago(6.5 * DAY), 'ec2ops:owner': 'alice@example.com' };
    const plan = planEipCleanup('us-east-1', [address('eipalloc-o', tags)], policy, NOW);
    expect(plan.items).toEqual([]);
    expect(plan.skipped[0]?.reason).toContain('is not a Slack user id');
  });

  it('warns again in a new idle spell (warned-at older than idle-since)', () => {
    const tags = {
      'ec2ops:idle-since': ago(6.5 * DAY),
      'ec2ops:owner': 'U123',
      'ec2ops:warned-at': ago(20 * DAY),
    };
    expect(planEipCleanup('us-east-1', [address('eipalloc-s', tags)], policy, NOW).items[0]?.action).toBe(
      'warn',
    );
  });

  it('uses the configured tag prefix for every tag it reads and writes', () => {
    const custom = { ...policy, tagPrefix: 'acme/' };
    const plan = planEipCleanup(
      'us-east-1',
      [
        {
          allocationId: 'eipalloc-p',
          publicIp: '1.2.3.4',
          tags: { 'acme/managed': 'true', 'acme/idle-since': ago(9 * DAY) },
        },
        { allocationId: 'eipalloc-q', publicIp: '1.2.3.5', tags: { 'ec2ops:managed': 'true' } },
      ],
      custom,
      NOW,
    );
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([['eipalloc-p', 'release']]);
  });
});

describe('eip-cleanup plan, for any set of addresses', () => {
  const tagsArb = fc.record(
    {
      managed: fc.constantFrom('true', 'false', undefined),
      keep: fc.constantFrom('true', 'TRUE', 'false', undefined),
      idleDays: fc.option(fc.double({ min: -2, max: 30, noNaN: true }), { nil: undefined }),
      owner: fc.constantFrom('U1', undefined),
      associated: fc.boolean(),
    },
    { requiredKeys: ['associated'] },
  );

  it('releases only unassociated, unkept, in-scope addresses idle for the grace period', () => {
    fc.assert(
      fc.property(fc.array(tagsArb, { maxLength: 30 }), fc.constantFrom('managed', 'all'), (specs, scope) => {
        const addresses: Address[] = specs.map((s, i) => {
          const tags: Record<string, string> = {};
          if (s.managed !== undefined) tags['ec2ops:managed'] = s.managed;
          if (s.keep !== undefined) tags['ec2ops:keep'] = s.keep;
          if (s.idleDays !== undefined) tags['ec2ops:idle-since'] = ago(s.idleDays * DAY);
          if (s.owner !== undefined) tags['ec2ops:owner'] = s.owner;
          return {
            allocationId: `eipalloc-${i}`,
            publicIp: `203.0.113.${i}`,
            tags,
            ...(s.associated ? { associationId: `eipassoc-${i}` } : {}),
          };
        });
        const plan = planEipCleanup(
          'us-east-1',
          addresses,
          { ...policy, scope: scope as 'managed' | 'all' },
          NOW,
        );
        const byId = new Map(addresses.map((a, i) => [a.allocationId, specs[i]!]));
        for (const item of plan.items) {
          const spec = byId.get(item.id)!;
          expect(spec.keep?.toLowerCase()).not.toBe('true');
          if (scope === 'managed') expect(spec.managed).toBe('true');
          if (item.action === 'release') {
            expect(spec.associated).toBe(false);
            expect(spec.idleDays).toBeGreaterThanOrEqual(7);
          }
          if (item.action === 'unmark') expect(spec.associated).toBe(true);
          if (item.action === 'mark') expect(spec.associated).toBe(false);
        }
        // every address is either acted on or skipped, exactly once
        expect(plan.items.length + plan.skipped.length).toBe(addresses.length);
      }),
      { numRuns: 200 },
    );
  });
});
