import { describe, expect, it } from 'vitest';
import { LocalScheduler, type ScheduledJob } from './scheduler';

const START = Date.parse('2026-03-01T10:00:30Z');

function setup(jobs: Partial<ScheduledJob>[] = [{}]) {
  let now = START;
  const calls: { job: string; input: { now: string; dryRun?: boolean } }[] = [];
  const scheduler = new LocalScheduler({
    now: () => now,
    jobs: jobs.map((j, i) => ({
      name: `job-${i}`,
      description: '',
      expression: 'rate(1 minute)',
      timeZone: 'UTC',
      enabled: true,
      configDryRun: true,
      ...j,
    })),
    invoke: async (job, input) => {
      calls.push({ job, input });
      if (job === 'broken') throw new Error('boom');
      return { dryRun: input.dryRun ?? true };
    },
  });
  return { scheduler, calls, advance: (ms: number) => (now += ms) };
}

describe('LocalScheduler', () => {
  it('runs nothing before a job is due', async () => {
    const { scheduler, calls } = setup();
    await scheduler.tick();
    expect(calls).toEqual([]);
    expect(scheduler.view().jobs[0]?.nextRunAt).toBe('2026-03-01T10:01:30.000Z');
  });

  it('runs a due job once at the sandbox time and schedules the next run', async () => {
    const { scheduler, calls, advance } = setup();
    advance(60_000);
    await scheduler.tick();
    expect(calls).toEqual([{ job: 'job-0', input: { now: '2026-03-01T10:01:30.000Z' } }]);
    expect(scheduler.view().jobs[0]?.nextRunAt).toBe('2026-03-01T10:02:30.000Z');
    await scheduler.tick();
    expect(calls).toHaveLength(1);
  });

  it('folds the runs a clock jump skipped into one run and counts them', async () => {
    const { scheduler, calls, advance } = setup();
    advance(86_400_000);
    await scheduler.tick('clock');
    expect(calls).toHaveLength(1);
    const run = scheduler.view().runs[0]!;
    expect(run).toMatchObject({ job: 'job-0', trigger: 'clock', status: 'ok', coalesced: 1439 });
  });

  it('runs a nightly cron job when the clock passes 03:00', async () => {
    const { scheduler, calls, advance } = setup([{ name: 'ami-bake', expression: 'cron(0 3 * * ? *)' }]);
    advance(12 * 3_600_000);
    await scheduler.tick('clock');
    expect(calls).toEqual([]);
    advance(6 * 3_600_000);
    await scheduler.tick('clock');
    expect(calls.map((c) => c.job)).toEqual(['ami-bake']);
    expect(scheduler.view().jobs[0]?.nextRunAt).toBe('2026-03-03T03:00:00.000Z');
  });

  it('passes the dry-run toggle to every run, and "run now" can override it', async () => {
    const { scheduler, calls, advance } = setup();
    scheduler.dryRunOverride = false;
    advance(60_000);
    await scheduler.tick();
    await scheduler.runNow('job-0', true);
    expect(calls.map((c) => c.input.dryRun)).toEqual([false, true]);
    expect(scheduler.view().runs.map((r) => r.dryRun)).toEqual([true, false]);
  });

  it('skips disabled jobs and does nothing while paused', async () => {
    const { scheduler, calls, advance } = setup([{ enabled: false }, {}]);
    scheduler.paused = true;
    advance(120_000);
    await scheduler.tick();
    expect(calls).toEqual([]);
    scheduler.paused = false;
    await scheduler.tick();
    expect(calls.map((c) => c.job)).toEqual(['job-1']);
  });

  it('records a failed run with its error and keeps scheduling', async () => {
    const { scheduler, advance } = setup([{ name: 'broken' }]);
    advance(60_000);
    await scheduler.tick();
    expect(scheduler.view().runs[0]).toMatchObject({ job: 'broken', status: 'failed', error: 'boom' });
    expect(scheduler.view().jobs[0]?.nextRunAt).toBe('2026-03-01T10:02:30.000Z');
  });

  it('refuses to run a job it does not know', async () => {
    const { scheduler } = setup();
    await expect(scheduler.runNow('nope')).rejects.toThrow(/no such job/);
  });
});
