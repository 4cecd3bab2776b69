/**
 * The shapes every scheduled job shares: `plan → apply → report`.
 *
 * A job's pure planner turns what EC2 describes into a RegionPlan (what to do, what to leave
 * alone and why). Apply turns each planned item into an ItemResult. The runner folds plans and
 * results of every region into one JobReport, which renders to Slack, text and JSON.
 */

import type { ActionVerbs, JobName } from '../job-catalog';

// Job names and report verbs are declared with the catalog, below config; re-exported for job code.
export { type ActionVerbs, isJobName, JOB_NAMES, type JobName } from '../job-catalog';

/** One thing the job intends to change. `data` is whatever the job's apply step needs. */
export interface PlanItem<D = unknown> {
  /** Stable id of the resource acted on (allocation id, rule id, image id…). */
  id: string;
  region: string;
  /** A short action verb the job defines, e.g. `release`, `mark`, `unmark`, `warn`. */
  action: string;
  /** Human label of the resource, e.g. `eipalloc-0a1b (203.0.113.7)`. */
  resource: string;
  /** Why this is planned, in words a person reads in the report. */
  reason: string;
  data: D;
}

/** Something the job looked at and deliberately leaves alone. */
export interface PlanSkip {
  id: string;
  region: string;
  resource: string;
  /** Short, groupable reason (`associated`, `tagged keep=true`…): Slack summaries count by it. */
  reason: string;
}

/** Extra lines a job wants in its report (e.g. "idle, released in 2d 4h"). */
export interface ReportSection {
  title: string;
  lines: string[];
}

export interface RegionPlan<D = unknown> {
  region: string;
  items: PlanItem<D>[];
  skipped: PlanSkip[];
  sections?: ReportSection[];
}

export type ItemOutcome =
  | { status: 'done'; detail?: string }
  | { status: 'failed'; code: string; message: string }
  | { status: 'skipped'; reason: string };

export interface ItemResult {
  id: string;
  region: string;
  action: string;
  resource: string;
  outcome: ItemOutcome;
}

/** A line of the report: a planned item (dry run), an applied one, or a skip. */
export interface ReportLine {
  region: string;
  id: string;
  resource: string;
  /** The planned action; `skip` for things left alone at plan time. */
  action: string;
  status: 'planned' | 'done' | 'failed' | 'skipped';
  /** The reason (planned, skipped), the detail (done) or `cannot …: …, do …` (failed). */
  message: string;
  /** Stable error code of a failure. */
  code?: string;
}

export interface MoneyFigure {
  label: string;
  /** US dollars per month (730 hours), rounded to cents when rendered. */
  usdPerMonth: number;
  detail?: string;
}

/** A region the job could not plan at all (describe failed): reported, other regions go on. */
export interface RegionFailure {
  region: string;
  code: string;
  message: string;
}

export interface ActionCounts {
  planned: number;
  done: number;
  failed: number;
  skipped: number;
}

export interface JobReport {
  job: JobName;
  stage: string;
  dryRun: boolean;
  /** The instant the job ran as (ISO-8601 UTC); `--now` sets it. */
  now: string;
  startedAt: string;
  finishedAt: string;
  regions: string[];
  counts: {
    planned: number;
    done: number;
    failed: number;
    /** Skipped at plan time plus skipped during apply (e.g. changed since the plan). */
    skipped: number;
    byAction: Record<string, ActionCounts>;
    /** Skips grouped by reason, largest first. */
    skippedByReason: Record<string, number>;
  };
  verbs: ActionVerbs;
  lines: ReportLine[];
  money: MoneyFigure[];
  sections: ReportSection[];
  regionFailures: RegionFailure[];
  /** What the run asked of EC2 (absent in reports built without a counted client). */
  api?: ApiUsage;
}

/**
 * A run's EC2 traffic: calls the code made by action, HTTP attempts (calls plus SDK retries),
 * attempts EC2 throttled, and the run's wall time. How close a job runs to EC2's limits.
 */
export interface ApiUsage {
  calls: Record<string, number>;
  attempts: number;
  throttles: number;
  wallMs: number;
}

/** A plan item whose data is the one variant of a job's item data with this action. */
export type PlanItemFor<D extends { action: string }, A extends D['action']> = PlanItem<
  Extract<D, { action: A }>
>;

/**
 * The plan's items whose data has one of these actions, typed as that variant, so apply reads
 * each item's data as the planner wrote it with no cast back from the union:
 * `itemsWithAction(plan.items, 'warn')`.
 */
export function itemsWithAction<D extends { action: string }, A extends D['action']>(
  items: readonly PlanItem<D>[],
  ...actions: A[]
): PlanItemFor<D, A>[] {
  const wanted: ReadonlySet<string> = new Set(actions);
  return items.filter((item): item is PlanItemFor<D, A> => wanted.has(item.data.action));
}
