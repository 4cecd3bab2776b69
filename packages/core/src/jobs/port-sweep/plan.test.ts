import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessRule } from '../../access/rules';
import { planPortSweep, type SweepPolicy } from './plan';

const NOW = new Date('2026-11-23T16:00:00.000Z');
const policy: SweepPolicy = { tagPrefix: 'ec2ops:', warnBeforeMs: 10 * 60_000, maxCloseFailures: 3 };

function rule(id: string, tags: Record<string, string>, extra: Partial<AccessRule> = {}): AccessRule {
  return {
    ruleId: id,
    groupId: 'sg-0123456789abcdef0',
    isEgress: false,
    protocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    source: { kind: 'cidr', cidr: '203.0.113.7/32' },
    tags,
    ...extra,
  };
}
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const managed = (expires: string, more: Record<string, string> = {}) => ({
  'ec2ops:managed': 'true',
  'ec2ops:owner': 'U0123ABC',
  'ec2ops:expires-at': expires,
  ...more,
});

describe('port-sweep plan', () => {
  it('closes expired managed rules and leaves the rest, saying why', () => {
    const plan = planPortSweep(
      'us-east-1',
      [
        rule('sgr-expired', managed(at(-1))),
        rule('sgr-future', managed(at(60))),
        rule('sgr-permanent', { 'ec2ops:expires-at': at(-60) }),
        rule('sgr-no-expiry', { 'ec2ops:managed': 'true' }),
        rule('sgr-garbled', managed('yesterday')),
        rule('sgr-egress', managed(at(-5)), { isEgress: true }),
      ],
      policy,
      NOW,
    );
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([['sgr-expired', 'revoke']]);
    expect(plan.items[0]!.reason).toBe('expired 1m ago (2026-11-23T15:59:00.000Z)');
    expect(Object.fromEntries(plan.skipped.map((s) => [s.id, s.reason]))).toEqual({
      'sgr-future': 'not expired yet',
      'sgr-permanent': 'not tagged ec2ops:managed=true',
      'sgr-no-expiry': 'no readable ec2ops:expires-at',
      'sgr-garbled': 'no readable ec2ops:expires-at',
      'sgr-egress': 'egress rule (ec2ops only opens ingress)',
    });
  });

  it('compares instants, whatever zone the tag was written in', () => {
    const plan = planPortSweep('r', [rule('sgr-1', managed('2026-11-23T17:59:00+02:00'))], policy, NOW);
    expect(plan.items.map((i) => i.id)).toEqual(['sgr-1']);
  });

  it('warns the owner once per expiry, within warnBefore', () => {
    const soon = at(5);
    const plan = planPortSweep(
      'r',
      [
        rule('sgr-soon', managed(soon)),
        rule('sgr-warned', managed(soon, { 'ec2ops:warned-for': soon })),
        rule('sgr-extended', managed(soon, { 'ec2ops:warned-for': at(-30) })),
        rule('sgr-later', managed(at(30))),
        rule('sgr-no-owner', { 'ec2ops:managed': 'true', 'ec2ops:expires-at': soon }),
      ],
      policy,
      NOW,
    );
    expect(plan.items.map((i) => [i.id, i.action])).toEqual([
      ['sgr-soon', 'warn'],
      ['sgr-extended', 'warn'],
    ]);
    expect(
      planPortSweep('r', [rule('sgr-soon', managed(soon))], { ...policy, warnBeforeMs: undefined }, NOW)
        .items,
    ).toEqual([]);
  });

  it('carries the failure count and reports rules that keep failing', () => {
    const tagged = (n: string) => rule('sgr-stuck', managed(at(-10), { 'ec2ops:close-failures': n }));
    const plan = planPortSweep('r', [tagged('4')], policy, NOW);
    expect(plan.items[0]!.data).toMatchObject({ action: 'revoke', failures: 4 });
    expect(plan.sections?.[0]?.lines[0]).toMatch(/sgr-stuck .*failed to close 4 times/);
    expect(planPortSweep('r', [tagged('3')], policy, NOW).sections).toBeUndefined();
  });

  it('reports rules it had to close well past their expiry as closed late, and only those', () => {
    const plan = planPortSweep(
      'r',
      [rule('sgr-late', managed(at(-10))), rule('sgr-on-time', managed(at(-1)))],
      { ...policy, lateAfterMs: 2 * 60_000 },
      NOW,
    );
    expect(plan.items.map((i) => i.id)).toEqual(['sgr-late', 'sgr-on-time']);
    expect(plan.sections).toEqual([
      {
        title: 'Closed late by the sweep, not at expiry by their schedule (r)',
        lines: [expect.stringMatching(/^sgr-late .*expired 10m ago$/)],
      },
    ]);
  });

  it('never revokes a rule that is unmanaged or not yet expired (any rule set)', () => {
    const tagValue = fc.oneof(
      fc.constant('true'),
      fc.constant('false'),
      fc.constant(''),
      fc.string({ maxLength: 8 }),
    );
    const instant = fc.oneof(
      fc.integer({ min: -10_000, max: 10_000 }).map((m) => at(m)),
      fc.string({ maxLength: 25 }),
      fc.constant(undefined),
    );
    const arbRule = fc
      .record({
        id: fc.integer({ min: 0, max: 0xffffff }).map((n) => n.toString(16).padStart(17, '0')),
        managed: fc.option(tagValue, { nil: undefined }),
        expires: instant,
        egress: fc.boolean(),
        failures: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
      })
      .map(({ id, managed, expires, egress, failures }) => {
        const tags: Record<string, string> = {};
        if (managed !== undefined) tags['ec2ops:managed'] = managed;
        if (expires !== undefined) tags['ec2ops:expires-at'] = expires;
        if (failures !== undefined) tags['ec2ops:close-failures'] = failures;
        return rule(`sgr-${id}`, tags, { isEgress: egress });
      });
    let revoked = 0;
    fc.assert(
      // Rule ids are unique in EC2, so the generated sets are too (a repeated id made the map lie).
      fc.property(fc.uniqueArray(arbRule, { maxLength: 40, selector: (r) => r.ruleId }), (rules) => {
        const plan = planPortSweep('r', rules, policy, NOW);
        const byId = new Map(rules.map((r) => [r.ruleId, r]));
        for (const item of plan.items.filter((i) => i.action === 'revoke')) {
          revoked += 1;
          const r = byId.get(item.id)!;
          expect(r.tags['ec2ops:managed']).toBe('true');
          expect(r.isEgress).toBe(false);
          expect(Date.parse(r.tags['ec2ops:expires-at']!)).toBeLessThanOrEqual(NOW.getTime());
        }
        // Everything is accounted for: planned or skipped, once.
        expect(plan.items.length + plan.skipped.length).toBe(rules.length);
      }),
      { numRuns: 300 },
    );
    // The generator does reach revocable rules, so the checks above are not vacuous.
    expect(revoked).toBeGreaterThan(0);
  });
});
