import type { JobReport } from '../jobs/index';
import type { MetricPoint } from './metrics';

/**
 * What one job run counts for: a heartbeat unless it ran out of time, items acted on and
 * failed, EC2 calls and throttles, and the money it saved. Dry runs act on nothing and save
 * nothing, but still beat: a stage that only plans is still alive.
 */
export function jobRunMetrics(report: JobReport, run: { deadlineHit: boolean }): MetricPoint[] {
  const job = { job: report.job };
  const points: MetricPoint[] = [
    { name: run.deadlineHit ? 'JobDeadlineHit' : 'JobHeartbeat', value: 1, dimensions: job },
    { name: 'JobItemsFailed', value: report.counts.failed, dimensions: job },
  ];
  if (!report.dryRun) {
    const saved = report.money.filter((m) => m.saving).reduce((usd, m) => usd + m.usdPerMonth, 0);
    points.push(
      { name: 'JobItemsActedOn', value: report.counts.done, dimensions: job },
      { name: 'SavingsUsdPerMonth', value: Math.round(saved * 100) / 100, dimensions: job },
    );
  }
  if (report.api) {
    const calls = Object.values(report.api.calls).reduce((n, c) => n + c, 0);
    points.push(
      { name: 'Ec2Calls', value: calls, dimensions: job },
      { name: 'Ec2Throttles', value: report.api.throttles, dimensions: job },
    );
  }
  return points;
}
