import type { JobName } from '@ec2ops/core/jobs/types';
import type { Context } from 'aws-lambda';
import type { FunctionUrlTarget } from '../lambda/function-url';
import type { JobOutcome } from './scheduler';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

/** The production handlers, loaded only after the sandbox has set their environment. */
export interface Handlers {
  slack: FunctionUrlTarget;
  worker: Invoke;
  jobs: Record<string, Invoke>;
}

/**
 * One static import per job entry (not a template path): a bundler, like the one that builds the
 * CLI, follows these, and the type makes a new job's missing line a compile error.
 */
const JOB_HANDLERS = {
  'ami-bake': () => import('@ec2ops/functions/jobs/ami-bake.handler'),
  'eip-cleanup': () => import('@ec2ops/functions/jobs/eip-cleanup.handler'),
  'port-sweep': () => import('@ec2ops/functions/jobs/port-sweep.handler'),
  'instance-reaper': () => import('@ec2ops/functions/jobs/instance-reaper.handler'),
} satisfies Record<JobName, () => Promise<unknown>>;

/**
 * Imports the real slack, worker and job handlers. Each builds its clients from process.env when
 * its module is first evaluated (once per cold start, as on Lambda), so this must run after
 * `applyEnvironment`; within one process the first sandbox's environment is the one they keep.
 */
export async function importHandlers(jobNames: string[]): Promise<Handlers> {
  const [slack, worker, ...jobs] = await Promise.all([
    import('@ec2ops/functions/slack/handler'),
    import('@ec2ops/functions/worker/handler'),
    ...jobNames.map((name) => {
      const load = JOB_HANDLERS[name as JobName];
      if (!load) throw new Error(`no handler for the job "${name}"`);
      return load() as Promise<{ handler: Invoke }>;
    }),
  ]);
  return {
    slack: slack.handler as unknown as FunctionUrlTarget,
    worker: worker.handler as unknown as Invoke,
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
