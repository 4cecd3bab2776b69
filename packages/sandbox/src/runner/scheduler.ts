import type { JobReport } from '@ec2ops/core/jobs';
import { type CompiledSchedule, compileSchedule, nextRun, runsBetween } from '@ec2ops/core/schedule';
import type { JobRow, JobRunRecord, JobsView, JobTrigger } from '../console/types';

/** A job as the local scheduler runs it: the catalog's schedule, resolved for the stage. */
export interface ScheduledJob {
  name: string;
  description: string;
  expression: string;
  timeZone: string;
  enabled: boolean;
  /** The stage config's dry-run setting. */
  configDryRun: boolean;
}

/** What one invocation of a job handler gave back. */
export interface JobOutcome {
  dryRun: boolean;
  report?: JobReport;
  summary?: string;
  /** A fan-out run: its shards went to the queue; the report comes when the last one finishes. */
  runId?: string;
}

export interface SchedulerOptions {
  jobs: ScheduledJob[];
  /** Sandbox time (ms). */
  now: () => number;
  /** Invokes the job's handler as EventBridge Scheduler would; `dryRun` only when overridden. */
  invoke: (job: string, input: { now: string; dryRun?: boolean }) => Promise<JobOutcome>;
  onChange?: () => void;
  /** Runs kept for the console, newest first. */
  keep?: number;
  log?: (line: string) => void;
}

interface Entry {
  job: ScheduledJob;
  schedule: CompiledSchedule;
  nextAt: number | undefined;
  running: Promise<JobRunRecord> | undefined;
}

/**
 * Runs the jobs on their EventBridge schedules against the sandbox clock. When the clock jumps,
 * each job that fell due runs once (the runs it missed are folded into that one and counted),
 * the way a person expects "a day later" to look — not 1,440 port sweeps in a row.
 */
export class LocalScheduler {
  dryRunOverride: boolean | null = null;
  paused = false;
  private readonly entries: Entry[];
  private readonly runs: JobRunRecord[] = [];
  private readonly anchor: number;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {
    this.anchor = options.now();
    this.entries = options.jobs.map((job) => {
      const schedule = compileSchedule(job.expression, job.timeZone);
      return { job, schedule, nextAt: nextRun(schedule, this.anchor, this.anchor), running: undefined };
    });
  }

  /** Checks for due jobs every `everyMs` of real time (the clock may also be moved by hand). */
  start(everyMs = 5_000): void {
    this.stop();
    this.timer = setInterval(() => void this.tick('schedule'), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs every job that is due at the current sandbox time; resolves when they have finished. */
  tick(trigger: JobTrigger = 'schedule'): Promise<void> {
    // Ticks run one after another so a job is never started twice for the same due time.
    this.ticking = this.ticking.then(() => this.runDue(trigger));
    return this.ticking;
  }

  private async runDue(trigger: JobTrigger): Promise<void> {
    if (this.paused) return;
    const now = this.options.now();
    const started: Promise<JobRunRecord>[] = [];
    for (const entry of this.entries) {
      if (!entry.job.enabled || entry.nextAt === undefined || entry.nextAt > now || entry.running) continue;
      const due = runsBetween(entry.schedule, entry.nextAt - 1, now, this.anchor, 100_000).length;
      entry.nextAt = nextRun(entry.schedule, now, this.anchor);
      started.push(this.start1(entry, trigger, Math.max(0, due - 1)));
    }
    await Promise.all(started);
  }

  /** "Run now" from the console: runs at once, whatever the schedule. */
  runNow(name: string, dryRun?: boolean): Promise<JobRunRecord> {
    const entry = this.entries.find((e) => e.job.name === name);
    if (!entry) return Promise.reject(new Error(`no such job: ${name}`));
    return this.start1(entry, 'manual', 0, dryRun);
  }

  private start1(
    entry: Entry,
    trigger: JobTrigger,
    coalesced: number,
    dryRun?: boolean,
  ): Promise<JobRunRecord> {
    const wanted = dryRun ?? this.dryRunOverride ?? undefined;
    const now = new Date(this.options.now()).toISOString();
    const record: JobRunRecord = {
      id: `run-${++this.sequence}`,
      job: entry.job.name,
      trigger,
      now,
      startedAt: new Date(this.options.now()).toISOString(),
      dryRun: wanted ?? entry.job.configDryRun,
      status: 'running',
      coalesced,
    };
    this.remember(record);
    const run = this.options
      .invoke(entry.job.name, { now, ...(wanted === undefined ? {} : { dryRun: wanted }) })
      .then((outcome) => {
        record.dryRun = outcome.dryRun;
        if (outcome.report) record.report = outcome.report;
        record.status = 'ok';
      })
      .catch((error: unknown) => {
        record.status = 'failed';
        record.error = error instanceof Error ? error.message : String(error);
        this.options.log?.(`job ${entry.job.name} failed: ${record.error}`);
      })
      .then(() => {
        record.finishedAt = new Date(this.options.now()).toISOString();
        if (entry.running === run) entry.running = undefined;
        this.options.onChange?.();
        return record;
      });
    entry.running = run;
    return run;
  }

  private remember(record: JobRunRecord): void {
    this.runs.unshift(record);
    this.runs.length = Math.min(this.runs.length, this.options.keep ?? 50);
    this.options.onChange?.();
  }

  /** Waits for every run in flight (shutdown, tests). */
  async idle(): Promise<void> {
    await this.ticking;
    await Promise.all(this.entries.map((e) => e.running));
  }

  view(): JobsView {
    const jobs: JobRow[] = this.entries.map(({ job, nextAt }) => ({
      name: job.name,
      description: job.description,
      schedule: job.expression,
      timeZone: job.timeZone,
      enabled: job.enabled,
      ...(nextAt === undefined ? {} : { nextRunAt: new Date(nextAt).toISOString() }),
      configDryRun: job.configDryRun,
    }));
    return { dryRunOverride: this.dryRunOverride, paused: this.paused, jobs, runs: [...this.runs] };
  }
}
