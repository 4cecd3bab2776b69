import { FORECAST_FUNCTION } from '@ec2ops/core/iam';
import type { FleetReport, JobName } from '@ec2ops/core/jobs';
import type { Clock, Endpoints, FunctionName } from '@ec2ops/functions/root';
import type { SecretName } from '@ec2ops/functions/secrets';
import type { Context } from 'aws-lambda';
import { credentialsOf } from '../iam/stage-policies';
import type { FunctionUrlTarget } from '../lambda/function-url';
import type { JobOutcome } from './scheduler';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

/** The production handlers (every job's too), built by the composition root for this sandbox. */
export interface Handlers {
  slack: FunctionUrlTarget;
  worker: Invoke;
  /** The target of the expiry schedules (functions/ops/expire.handler.ts). */
  expire: Invoke;
  /** The alarm topic's subscriber (functions/ops/alarms.handler.ts). */
  alarms: Invoke;
  /** Each job's function: the schedule's target and its shard queue's consumer (jobs/job-function.ts). */
  jobs: Record<string, Invoke>;
  /** A fan-out run's report once posted (the run record in the coordination table); undefined before. */
  fanOutReport: (job: JobName, runId: string) => Promise<FleetReport | undefined>;
  /** The Forecast function, started by the worker through the sandbox's Lambda Invoke endpoint. */
  forecast: (event: unknown) => Promise<unknown>;
}

export interface HandlerWiring {
  /** Plain settings, as infra sets them (handlerEnvironment). */
  env: Record<string, string>;
  secrets: Partial<Record<SecretName, string>>;
  clock: Clock;
  endpoints: Endpoints;
  region: string;
  /** Settings only one job's function gets (its shard queue's URL). */
  jobEnv?: ((job: JobName) => Record<string, string>) | undefined;
}

/**
 * Builds the real slack, worker and job handlers through the same root as on Lambda, with the
 * sandbox's clock, endpoints, secrets and per-function credentials passed in (a developer's own AWS
 * credentials never reach them). Nothing global changes, so two sandboxes in one process each
 * get their own. The modules are imported here, not at the top, so the CLI stays quick to start.
 */
export async function buildHandlers(wiring: HandlerWiring): Promise<Handlers> {
  const [
    { build },
    { slackRoot },
    { workerRoot },
    { createWorkerHandler },
    jobs,
    { createJobFunction },
    { jobImplementation },
    ops,
    { forecastFunction },
  ] = await Promise.all([
    import('@ec2ops/functions/root'),
    import('@ec2ops/functions/slack/root'),
    import('@ec2ops/functions/worker/root'),
    import('@ec2ops/functions/worker/batch'),
    import('@ec2ops/functions/jobs/root'),
    import('@ec2ops/functions/jobs/job-function'),
    import('@ec2ops/functions/jobs/registry'),
    import('@ec2ops/functions/ops/root'),
    import('../forecast/lambda'),
  ]);
  const root = (fn: FunctionName, env: Record<string, string> = {}) =>
    build({
      fn,
      env: { ...wiring.env, ...env },
      secrets: (name) => wiring.secrets[name],
      clock: wiring.clock,
      endpoints: wiring.endpoints,
      region: wiring.region,
      // Each handler signs as its function, so the emulator enforces that function's policy.
      credentials: credentialsOf(fn),
    });
  const jobNames = Object.keys(jobs.JOB_FUNCTIONS) as JobName[];
  // One root per job function, built on first use and shared by its handler and the sandbox's reads.
  const jobRoots = new Map<JobName, ReturnType<typeof jobs.createJobRoot>>();
  const jobRoot = (name: JobName) => {
    let built = jobRoots.get(name);
    if (!built) {
      built = jobs.createJobRoot(root(jobs.JOB_FUNCTIONS[name], wiring.jobEnv?.(name)));
      jobRoots.set(name, built);
    }
    return built;
  };
  return {
    slack: slackRoot(root('Slack')) as unknown as FunctionUrlTarget,
    worker: createWorkerHandler(workerRoot(root('Worker'))) as unknown as Invoke,
    expire: ops.expireHandler(root('Expire')) as unknown as Invoke,
    alarms: ops.alarmsRoot(root('AlarmsToSlack')) as unknown as Invoke,
    forecast: (() => {
      const run = forecastFunction(root(FORECAST_FUNCTION));
      return (event: unknown) => run(event as Parameters<typeof run>[0]);
    })(),
    jobs: Object.fromEntries(
      jobNames.map((name) => [
        name,
        createJobFunction(jobImplementation(name), () => jobRoot(name)) as unknown as Invoke,
      ]),
    ),
    fanOutReport: (name, runId) => {
      const record = jobRoot(name).runRecord;
      return record ? record.report(runId) : Promise.resolve(undefined);
    },
  };
}

/** What a job handler returns (see functions/jobs/handler.ts), read defensively. */
export function jobOutcome(result: unknown, fallbackDryRun: boolean): JobOutcome {
  const r = (result ?? {}) as {
    dryRun?: unknown;
    report?: JobOutcome['report'];
    summary?: unknown;
    runId?: unknown;
  };
  return {
    dryRun: typeof r.dryRun === 'boolean' ? r.dryRun : fallbackDryRun,
    ...(r.report ? { report: r.report } : {}),
    ...(typeof r.summary === 'string' ? { summary: r.summary } : {}),
    ...(typeof r.runId === 'string' ? { runId: r.runId } : {}),
  };
}
