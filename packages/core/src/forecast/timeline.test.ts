import { describe, expect, it } from 'vitest';
import type { JobReport } from '../jobs';
import { actionSummary, buildForecast, reasonKey, runItems } from './timeline';

const DAY = 86_400_000;
const START = Date.parse('2026-12-01T00:00:00Z');

function report(lines: JobReport['lines'], now = '2026-12-02T00:00:00.000Z'): JobReport {
  return {
    job: 'eip-cleanup',
    stage: 'prod',
    dryRun: false,
    now,
    startedAt: now,
    finishedAt: now,
    regions: ['us-east-1'],
    counts: { planned: 0, done: 0, failed: 0, skipped: 0, byAction: {}, skippedByReason: {} },
    verbs: {
      release: { done: 'released', planned: 'would release' },
      mark: { done: 'marked idle', planned: '' },
    },
    lines,
    money: [],
    sections: [],
    regionFailures: [],
  };
}

const line = (id: string, action: string, status: JobReport['lines'][number]['status'], message = 'ok') => ({
  region: 'us-east-1',
  id,
  resource: `${id} (203.0.113.7)`,
  action,
  status,
  message,
});

describe('the timeline of one run', () => {
  it('lists what was done or failed, with the plan’s reason, the resource’s facts and its saving', () => {
    const { items } = runItems({
      day: 2,
      report: report([
        line('eipalloc-1', 'release', 'done', 'released'),
        line('eipalloc-2', 'skip', 'skipped', 'associated'),
        line('eipalloc-3', 'release', 'failed', 'cannot release'),
      ]),
      reasons: new Map([[reasonKey('us-east-1', 'eipalloc-1', 'release'), 'idle 8d (grace 7d)']]),
      facts: (_, id) => (id === 'eipalloc-1' ? { name: 'spare', owner: 'U1' } : undefined),
      saving: (action) => (action === 'release' ? 3.65 : undefined),
    });
    expect(items.map((i) => [i.id, i.status, i.why, i.verb])).toEqual([
      ['eipalloc-1', 'done', 'idle 8d (grace 7d)', 'released'],
      ['eipalloc-3', 'failed', 'cannot release', 'released'],
    ]);
    expect(items[0]).toMatchObject({ name: 'spare', owner: 'U1', savedUsdPerMonth: 3.65, day: 2 });
    // A failure saves nothing.
    expect(items[1]?.savedUsdPerMonth).toBeUndefined();
  });

  it('asks for approval only for what the rule names', () => {
    const { approvals } = runItems({
      day: 1,
      report: report([line('eipalloc-1', 'release', 'done'), line('eipalloc-2', 'mark', 'done')]),
      reasons: new Map(),
      facts: () => undefined,
      approval: (l) => (l.action === 'mark' ? 'confirm' : undefined),
    });
    expect(approvals.map((a) => a.id)).toEqual(['eipalloc-2']);
  });
});

describe('the forecast of several runs', () => {
  const runs = [1, 1, 3].map((day, n) =>
    runItems({
      day,
      report: report([line(`eipalloc-${n}`, 'release', 'done')], new Date(START + day * DAY).toISOString()),
      reasons: new Map(),
      facts: () => undefined,
      saving: () => 3.65,
    }),
  );
  const forecast = buildForecast({
    stage: 'prod',
    start: START,
    days: 4,
    dayMs: DAY,
    regions: ['us-east-1'],
    items: runs.flatMap((r) => r.items),
    approvals: [],
    runs: { 'eip-cleanup': 4 },
  });

  it('has a row for every day, quiet ones too, and a total that is their sum', () => {
    expect(forecast.perDay.map((d) => d.actions['eip-cleanup release'] ?? 0)).toEqual([2, 0, 1, 0]);
    expect(forecast.perDay.map((d) => d.until)).toEqual([
      '2026-12-02T00:00:00.000Z',
      '2026-12-03T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
      '2026-12-05T00:00:00.000Z',
    ]);
    expect(forecast.total.actions).toEqual({ 'eip-cleanup release': 3 });
    expect(forecast.total.savedUsdPerMonth).toBeCloseTo(3 * 3.65);
  });

  it('says the actions in the jobs’ words, the most frequent first', () => {
    const verbs = (_: string, action: string) => (action === 'release' ? 'released' : 'closed');
    expect(actionSummary({ 'port-sweep revoke': 1, 'eip-cleanup release': 3 }, verbs)).toBe(
      '3 released, 1 closed',
    );
    expect(actionSummary({}, verbs)).toBe('nothing');
  });
});
