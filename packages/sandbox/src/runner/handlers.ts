import type { Context } from 'aws-lambda';
import type { FunctionUrlTarget } from '../lambda/function-url';
import type { JobOutcome } from './scheduler';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

/** The production handlers, loaded only after the sandbox has set their environment. */
export interface Handlers {
  slack: FunctionUrlTarget;
  worker: Invoke;
  /** The target of the expiry schedules (functions/ops/expire.handler.ts). */
  expire: Invoke;
  /** The alarm topic's subscriber (functions/ops/alarms.handler.ts). */
  alarms: Invoke;
  jobs: Record<string, Invoke>;
}

/**
 * Imports the real slack, worker and job handlers. Each builds its clients from process.env when
 * its module is first evaluated (once per cold start, as on Lambda), so this must run after
 * `applyEnvironment`; within one process the first sandbox's environment is the one they keep.
 */
export async function importHandlers(jobNames: string[]): Promise<Handlers> {
  const [slack, worker, expire, alarms, ...jobs] = await Promise.all([
    import('@ec2ops/functions/slack/handler'),
    import('@ec2ops/functions/worker/handler'),
    import('@ec2ops/functions/ops/expire.handler'),
    import('@ec2ops/functions/ops/alarms.handler'),
    ...jobNames.map(
      (name) => import(`@ec2ops/functions/jobs/${name}.handler`) as Promise<{ handler: Invoke }>,
    ),
  ]);
  return {
    slack: slack.handler as unknown as FunctionUrlTarget,
    worker: worker.handler as unknown as Invoke,
    expire: expire.handler as unknown as Invoke,
    alarms: alarms.handler as unknown as Invoke,
    jobs: Object.fromEntries(jobNames.map((name, i) => [name, jobs[i]!.handler])),
  };
}

/** What a job handler returns (see functions/jobs/handler.ts), read defensively. */
export function jobOutcome(result: unknown, fallbackDryRun: boolean): JobOutcome {
  const r = (result ?? {}) as { dryRun?: unknown; report?: JobOutcome['report']; summary?: unknown };
  return {
    dryRun: typeof r.dryRun === 'boolean' ? r.dryRun : fallbackDryRun,
    ...(r.report ? { report: r.report } : {}),
    ...(typeof r.summary === 'string' ? { summary: r.summary } : {}),
  };
}
