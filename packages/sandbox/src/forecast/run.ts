import type { StageConfig } from '@ec2ops/core/config';
import { Ec2opsError } from '@ec2ops/core/errors';
import {
  actionSaving,
  approvalAsk,
  buildForecast,
  type Forecast,
  type ForecastApproval,
  type ForecastItem,
  type ResourceFacts,
  reasonKey,
  runItems,
} from '@ec2ops/core/forecast';
import type { JobName } from '@ec2ops/core/jobs';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { jobImplementation } from '@ec2ops/functions/jobs/registry';
import { runJobWith } from '@ec2ops/functions/jobs/run';
import { Clock } from '../ec2/clock';
import { startEc2Emulator } from '../ec2/server';
import { functionCredentials, stageEnforcer } from '../iam/stage-policies';
import { scheduledJobs } from '../runner/jobs';
import { LocalScheduler } from '../runner/scheduler';
import type { Twin } from '../twin/twin-dir';
import { resourceFacts } from './facts';

export const DAY_MS = 86_400_000;
/** A forecast longer than this is guesswork: the account changes under it. */
export const MAX_FORECAST_DAYS = 31;

/**
 * The twin is a copy: releases on it may go as fast as the emulator answers. Pacing changes
 * when a release happens within a run, never whether it does.
 */
const UNPACED = { burst: 100_000, perSecond: 100_000 };

const SILENT_SLACK = { post: async () => undefined, dm: async () => undefined };

export interface ForecastOptions {
  twin: Twin;
  config: StageConfig;
  days: number;
  /** Told after each day has run (progress on a terminal, the console). */
  onDay?: (day: number, days: number) => void;
  log?: (line: string) => void;
}

/**
 * Loads the twin into an emulator of its own (in this process, on a free loopback port), starts
 * its clock at the instant the twin was taken, and moves it forward a day at a time. After each
 * move the stage's schedules run every job that fell due, in APPLY mode, through the same local
 * scheduler the sandbox uses (so a forecast and a sandbox whose clock is moved the same way run
 * the same jobs at the same instants). Jobs sign as their functions and the emulator enforces
 * the stage's IAM policies, as in a deployment. Nothing leaves the process: the twin's files are
 * not written, no Slack message is posted.
 */
export async function runForecast(options: ForecastOptions): Promise<Forecast> {
  const { twin, config, days } = options;
  const start = Date.parse(twin.meta.importedAt);
  const began = performance.now();
  // Twin time runs on from the import instant; the day steps are added on top.
  const clock = new Clock(() => start + Math.floor(performance.now() - began));
  const emulator = await startEc2Emulator({
    host: '127.0.0.1',
    port: 0,
    accountId: twin.meta.accountId,
    clock,
    interceptors: [stageEnforcer(config).interceptor],
    log: options.log ?? (() => undefined),
  });
  const store = emulator.store;
  // A deep copy: the emulator keeps the records it is given and the jobs change them, and a
  // twin taken from a live store (the console's) shares its records with that store.
  store.load(structuredClone(twin.state));
  // A state saved by a sandbox carries its clock offset; the twin's "now" is importedAt alone.
  clock.setOffset(0);
  const lookUp = resourceFacts(store, config.tagPrefix);
  const wanted = config.regions.filter((r) => twin.meta.regions.includes(r));
  const regions = wanted.length ? wanted : twin.meta.regions;

  const clients = new Map<JobName, ReturnType<typeof ec2ClientsByRegion>>();
  const clientsOf = (job: JobName) => {
    let made = clients.get(job);
    if (!made) {
      made = ec2ClientsByRegion({ endpoint: emulator.url, credentials: functionCredentials(job) });
      clients.set(job, made);
    }
    return made;
  };

  const items: ForecastItem[] = [];
  const approvals: ForecastApproval[] = [];
  const runs: Record<string, number> = {};
  let day = 0;

  const scheduler = new LocalScheduler({
    jobs: scheduledJobs(config),
    now: () => clock.now(),
    invoke: async (name, input) => {
      const job = name as JobName;
      const implementation = jobImplementation(job);
      const reasons = new Map<string, string>();
      // Looked up at plan time: a released address or a deregistered image is gone afterwards.
      const facts = new Map<string, ResourceFacts | undefined>();
      const report = await runJobWith(
        {
          ...implementation,
          async plan(ctx) {
            const plan = await implementation.plan(ctx);
            for (const item of plan.items) {
              reasons.set(reasonKey(item.region, item.id, item.action), item.reason);
              facts.set(`${item.region}|${item.id}`, lookUp(item.region, item.id));
            }
            return plan;
          },
        },
        {
          ec2: clientsOf(job),
          config,
          now: new Date(input.now),
          dryRun: false,
          regions,
          pacing: UNPACED,
          // A deployment would tell owners before acting, and jobs record that they did (a
          // release may wait for the warning): the forecast lets them "tell" nobody, successfully.
          notifier: SILENT_SLACK,
        },
      );
      runs[job] = (runs[job] ?? 0) + 1;
      const found = runItems({
        day,
        report,
        reasons,
        facts: (region, id) => facts.get(`${region}|${id}`) ?? lookUp(region, id),
        saving: (action) => actionSaving(config, job, action),
        approval: (line) => approvalAsk(config, job, line),
      });
      items.push(...found.items);
      approvals.push(...found.approvals);
      return { dryRun: false, report };
    },
    log: options.log,
  });
  scheduler.dryRunOverride = false;

  try {
    for (day = 1; day <= days; day += 1) {
      clock.advance(DAY_MS);
      for (const state of store.regions()) state.wake(clock.now());
      await scheduler.tick('clock');
      const failed = scheduler.view().runs.find((r) => r.status === 'failed');
      if (failed)
        throw new Ec2opsError(
          'forecast.job-failed',
          `the ${failed.job} job failed on the twin: ${failed.error}`,
          {
            hint: 'The same run would fail in the account: run it there with `ec2ops job run <job> --dry-run` to see why.',
          },
        );
      options.onDay?.(day, days);
    }
  } finally {
    await scheduler.idle();
    for (const made of clients.values()) for (const region of regions) made(region).destroy();
    await emulator.close();
  }
  return buildForecast({
    stage: config.stage,
    start,
    days,
    dayMs: DAY_MS,
    regions,
    items,
    approvals,
    runs,
  });
}
