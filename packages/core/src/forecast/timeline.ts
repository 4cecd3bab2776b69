import type { JobName, JobReport } from '../jobs';

/**
 * A forecast: what the scheduled jobs would do to an account over the coming days, as a timeline
 * of actions and a summary per day. Built from the reports of job runs against a twin of the
 * account (the sandbox's forecast runs them); this module only folds them, so it stays pure.
 */

/** One thing a job did (on the twin), with the resource named as a person knows it. */
export interface ForecastItem {
  /** When the run happened, ISO-8601 UTC. */
  at: string;
  /** 1 for the first day after the start, and so on. */
  day: number;
  job: JobName;
  /** The job's action (`release`, `revoke`, `bake`, `deregister`…). */
  action: string;
  /** The job's word for it, done (`released`, `closed`…). */
  verb: string;
  region: string;
  id: string;
  resource: string;
  /** The resource's Name tag, when it has one. */
  name?: string;
  /** Its owner (the owner tag: a Slack user id), when it has one. */
  owner?: string;
  /** Why: the rule that decided it, as the job's plan says it. */
  why: string;
  status: 'done' | 'failed';
  /** What failed, when it did. */
  error?: string;
  /** Money per month this action stops spending, when the job prices it. */
  savedUsdPerMonth?: number;
}

/** Something an admin would be asked to decide. */
export interface ForecastApproval {
  at: string;
  day: number;
  job: JobName;
  region: string;
  id: string;
  resource: string;
  /** What they would be asked. */
  ask: string;
}

export interface ForecastDay {
  day: number;
  /** The end of the day (the instant the clock was moved to), ISO-8601 UTC. */
  until: string;
  /** Actions by `job action`. */
  actions: Record<string, number>;
  failed: number;
  savedUsdPerMonth: number;
  approvals: number;
}

export interface Forecast {
  stage: string;
  /** The twin's instant: where the forecast starts. */
  start: string;
  days: number;
  regions: string[];
  items: ForecastItem[];
  approvals: ForecastApproval[];
  perDay: ForecastDay[];
  total: Omit<ForecastDay, 'day' | 'until'>;
  /** Job runs per job over the whole forecast. */
  runs: Record<string, number>;
}

/** What the forecast knows about a resource, looked up in the twin. */
export interface ResourceFacts {
  name?: string;
  owner?: string;
}

export interface RunInput {
  day: number;
  report: JobReport;
  /** The plan's reason per `region|id|action`: a done line carries the outcome, not the reason. */
  reasons: Map<string, string>;
  facts: (region: string, id: string) => ResourceFacts | undefined;
  /** Money per month one action of this kind saves, if the job prices it. */
  saving?: (action: string) => number | undefined;
  /** Whether an admin is asked about this item (e.g. approving a freshly baked image). */
  approval?: (line: JobReport['lines'][number]) => string | undefined;
}

export const reasonKey = (region: string, id: string, action: string): string => `${region}|${id}|${action}`;

/** The timeline entries and approvals of one job run (done and failed actions; skips are not actions). */
export function runItems(input: RunInput): { items: ForecastItem[]; approvals: ForecastApproval[] } {
  const { report, day } = input;
  const items: ForecastItem[] = [];
  const approvals: ForecastApproval[] = [];
  for (const line of report.lines) {
    if (line.status !== 'done' && line.status !== 'failed') continue;
    const facts = input.facts(line.region, line.id) ?? {};
    const saving = line.status === 'done' ? input.saving?.(line.action) : undefined;
    const item: ForecastItem = {
      at: report.now,
      day,
      job: report.job,
      action: line.action,
      verb: report.verbs[line.action]?.done ?? line.action,
      region: line.region,
      id: line.id,
      resource: line.resource,
      ...(facts.name ? { name: facts.name } : {}),
      ...(facts.owner ? { owner: facts.owner } : {}),
      why: input.reasons.get(reasonKey(line.region, line.id, line.action)) ?? line.message,
      status: line.status,
      ...(line.status === 'failed' ? { error: `${line.code ?? 'failed'}: ${line.message}` } : {}),
      ...(saving ? { savedUsdPerMonth: saving } : {}),
    };
    items.push(item);
    const ask = line.status === 'done' ? input.approval?.(line) : undefined;
    if (ask)
      approvals.push({
        at: report.now,
        day,
        job: report.job,
        region: line.region,
        id: line.id,
        resource: line.resource,
        ask,
      });
  }
  return { items, approvals };
}

const emptyTotals = (): Omit<ForecastDay, 'day' | 'until'> => ({
  actions: {},
  failed: 0,
  savedUsdPerMonth: 0,
  approvals: 0,
});

/** Folds the runs' items into a forecast: a row per day (days with nothing included) and a total. */
export function buildForecast(input: {
  stage: string;
  start: number;
  days: number;
  dayMs: number;
  regions: string[];
  items: ForecastItem[];
  approvals: ForecastApproval[];
  runs: Record<string, number>;
}): Forecast {
  const perDay: ForecastDay[] = Array.from({ length: input.days }, (_, i) => ({
    day: i + 1,
    until: new Date(input.start + (i + 1) * input.dayMs).toISOString(),
    ...emptyTotals(),
  }));
  const total = emptyTotals();
  const add = (row: Omit<ForecastDay, 'day' | 'until'>, item: ForecastItem) => {
    if (item.status === 'failed') row.failed += 1;
    else {
      const key = `${item.job} ${item.action}`;
      row.actions[key] = (row.actions[key] ?? 0) + 1;
      row.savedUsdPerMonth += item.savedUsdPerMonth ?? 0;
    }
  };
  for (const item of input.items) {
    const row = perDay[item.day - 1];
    if (row) add(row, item);
    add(total, item);
  }
  for (const approval of input.approvals) {
    const row = perDay[approval.day - 1];
    if (row) row.approvals += 1;
    total.approvals += 1;
  }
  return {
    stage: input.stage,
    start: new Date(input.start).toISOString(),
    days: input.days,
    regions: input.regions,
    items: input.items,
    approvals: input.approvals,
    perDay,
    total,
    runs: input.runs,
  };
}

/** "2 released, 1 closed": a day's (or the total's) actions in the jobs' own words. */
export function actionSummary(
  actions: Record<string, number>,
  verbs: (job: string, action: string) => string,
): string {
  const parts = Object.entries(actions)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, n]) => {
      const [job, action] = key.split(' ') as [string, string];
      return `${n} ${verbs(job, action)}`;
    });
  return parts.length ? parts.join(', ') : 'nothing';
}
