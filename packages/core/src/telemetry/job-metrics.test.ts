import { describe, expect, it } from 'vitest';
import { buildReport } from '../jobs/index';
import { jobRunMetrics } from './job-metrics';
import { METRICS } from './metrics';

const report = (dryRun: boolean) =>
  buildReport({
    job: 'eip-cleanup',
    stage: 'prod',
    dryRun,
    now: '2026-12-02T00:00:00.000Z',
    startedAt: '2026-12-02T00:00:00.000Z',
    finishedAt: '2026-12-02T00:00:01.000Z',
    regions: ['eu-west-1'],
    verbs: { release: { done: 'released', planned: 'would release' } },
    plans: [],
    results: [],
    regionFailures: [],
    money: [
      { label: 'Saved', usdPerMonth: 7.3, saving: true },
      { label: 'Idle addresses still cost', usdPerMonth: 3.65 },
    ],
    api: { calls: { DescribeAddresses: 2, ReleaseAddress: 2 }, attempts: 5, throttles: 1, wallMs: 10 },
  });

const byName = (points: ReturnType<typeof jobRunMetrics>) =>
  Object.fromEntries(points.map((p) => [p.name, p.value]));

describe('what a job run counts for', () => {
  it('an applied run beats and counts calls, throttles and only the money it saved', () => {
    const points = jobRunMetrics(report(false), { deadlineHit: false });
    expect(byName(points)).toEqual({
      JobHeartbeat: 1,
      JobItemsFailed: 0,
      JobItemsActedOn: 0,
      SavingsUsdPerMonth: 7.3,
      Ec2Calls: 4,
      Ec2Throttles: 1,
    });
    for (const p of points) expect(p.dimensions).toEqual({ job: 'eip-cleanup' });
  });

  it('a run that hit its deadline does not beat: it reports the deadline instead', () => {
    const names = jobRunMetrics(report(false), { deadlineHit: true }).map((p) => p.name);
    expect(names).toContain('JobDeadlineHit');
    expect(names).not.toContain('JobHeartbeat');
  });

  it('a dry run beats but neither acts nor saves', () => {
    const names = jobRunMetrics(report(true), { deadlineHit: false }).map((p) => p.name);
    expect(names).toContain('JobHeartbeat');
    expect(names).not.toContain('SavingsUsdPerMonth');
    expect(names).not.toContain('JobItemsActedOn');
  });

  it('uses only catalogued metrics, with the dimensions the catalogue gives them', () => {
    for (const p of jobRunMetrics(report(false), { deadlineHit: true })) {
      expect(Object.keys(p.dimensions)).toEqual([...METRICS[p.name].dimensions]);
    }
  });
});
