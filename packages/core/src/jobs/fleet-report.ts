import type { ActionCounts, ApiUsage, JobReport, MoneyFigure, RegionFailure } from './types';

/**
 * A scheduled run over many accounts is one shard per (account, region) (issue 15). Each shard
 * runs the job as it always ran in one region and produces its own JobReport; this file plans the
 * shards and folds their reports into the one report the run posts, naming each shard's account.
 */

export interface ShardKey {
  /** The account's id, or `self` for the hub's own. */
  account: string;
  /** The alias people read (`dev`); `hub` for the hub's own account. */
  alias: string;
  region: string;
}

/**
 * How a shard went on past its invocation (issue 20): `continuations` messages each ran the rest;
 * `leftAtCap` items were still left when the cap stopped it (the next scheduled run does them).
 */
export interface ShardContinued {
  continuations?: number;
  leftAtCap?: number;
}

export type ShardOutcome = ShardKey &
  (
    | ({ status: 'done'; report: JobReport } & ShardContinued)
    /** The shard could not run at all (AssumeRole refused, the job threw): named in the report. */
    | { status: 'failed'; code: string; message: string }
    /** No result by the run's deadline. */
    | { status: 'missing' }
  );

/** Per shard, what `ec2ops job run --json` and the aggregated report carry. */
export interface ShardSummary extends ShardKey, ShardContinued {
  status: 'done' | 'failed' | 'missing';
  counts?: Pick<JobReport['counts'], 'planned' | 'done' | 'failed' | 'skipped'>;
  usdPerMonth?: number;
  code?: string;
  message?: string;
}

export interface FleetReport extends JobReport {
  shards: ShardSummary[];
}

/** `dev/eu-west-1`: how a shard is named in reports, and the region label of its lines. */
export function shardLabel(shard: Pick<ShardKey, 'alias' | 'region'>): string {
  return `${shard.alias}/${shard.region}`;
}

/** `eip-cleanup#<run>#<account>#<region>`: a shard's stable id (leases, run records, messages). */
export function shardId(runId: string, shard: ShardKey): string {
  return `${runId}#${shard.account}#${shard.region}`;
}

/** One shard per (account, region), in the order accounts are listed; `regions` narrows. */
export function planShards(
  targets: readonly { account: string; alias: string; regions: readonly string[] }[],
  regions?: readonly string[],
): ShardKey[] {
  return targets.flatMap((t) =>
    t.regions
      .filter((r) => !regions?.length || regions.includes(r))
      .map((region) => ({ account: t.account, alias: t.alias, region })),
  );
}

const sumCounts = (a: ActionCounts, b: ActionCounts): ActionCounts => ({
  planned: a.planned + b.planned,
  done: a.done + b.done,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
});

/**
 * The run's one report: every done shard's lines (their region labelled `alias/region`), counts
 * and money summed, a failure line per shard that could not run and per shard that never
 * answered. A run of one shard in the hub account reads exactly as the single-account report.
 */
export function mergeShardReports(
  input: Pick<JobReport, 'job' | 'stage' | 'dryRun' | 'now' | 'startedAt' | 'finishedAt' | 'verbs'> & {
    outcomes: readonly ShardOutcome[];
    wallMs?: number | undefined;
  },
): FleetReport {
  const single = input.outcomes.length === 1 && input.outcomes[0]!.account === 'self';
  const label = (s: ShardKey) => (single ? s.region : shardLabel(s));
  const report: FleetReport = {
    job: input.job,
    stage: input.stage,
    dryRun: input.dryRun,
    now: input.now,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    regions: input.outcomes.map(label),
    counts: { planned: 0, done: 0, failed: 0, skipped: 0, byAction: {}, skippedByReason: {} },
    verbs: input.verbs,
    lines: [],
    money: [],
    sections: [],
    regionFailures: [],
    shards: [],
  };
  const money = new Map<string, MoneyFigure>();
  const api: ApiUsage = { calls: {}, attempts: 0, throttles: 0, wallMs: input.wallMs ?? 0 };
  let counted = false;
  for (const outcome of input.outcomes) {
    const key = { account: outcome.account, alias: outcome.alias, region: outcome.region };
    if (outcome.status !== 'done') {
      const failure: RegionFailure =
        outcome.status === 'failed'
          ? { region: label(key), code: outcome.code, message: outcome.message }
          : {
              region: label(key),
              code: 'fleet.shard-missing',
              message: `no result from ${shardLabel(key)} by the run's deadline; the next run covers it`,
            };
      report.regionFailures.push(failure);
      report.shards.push({ ...key, status: outcome.status, code: failure.code, message: failure.message });
      continue;
    }
    const shard = outcome.report;
    const c = shard.counts;
    addReport(
      report,
      shard,
      label(key),
      (title) => (single ? title : `${title} (${shardLabel(key)})`),
      money,
    );
    if (shard.api) {
      counted = true;
      addUsage(api, shard.api, input.wallMs === undefined);
    }
    if (outcome.leftAtCap !== undefined) {
      report.regionFailures.push({
        region: label(key),
        code: 'fleet.continuation-cap',
        message: `${shardLabel(key)} stopped after ${outcome.continuations ?? 0} continuations with ${outcome.leftAtCap} items left; the next run does them`,
      });
    }
    report.shards.push({
      ...key,
      status: 'done',
      counts: { planned: c.planned, done: c.done, failed: c.failed, skipped: c.skipped },
      usdPerMonth: shard.money.reduce((n, m) => n + m.usdPerMonth, 0),
      ...(outcome.continuations ? { continuations: outcome.continuations } : {}),
      ...(outcome.leftAtCap !== undefined ? { leftAtCap: outcome.leftAtCap } : {}),
    });
  }
  const continued = report.shards.filter((s) => s.continuations);
  if (continued.length > 0) {
    // Said in the report itself: a shard that took several invocations is worth knowing about.
    report.sections.push({
      title: 'Continued past one invocation',
      lines: continued.map(
        (s) =>
          `${shardLabel(s)}: ${s.continuations} continuation${s.continuations === 1 ? '' : 's'}` +
          (s.leftAtCap !== undefined ? `, cap reached with ${s.leftAtCap} items left` : ''),
      ),
    });
  }
  report.counts.skippedByReason = Object.fromEntries(
    Object.entries(report.counts.skippedByReason).sort((a, b) => b[1] - a[1]),
  );
  report.money = [...money.values()];
  if (counted) report.api = api;
  return report;
}

/** Adds one report's counts, lines, failures, sections and money to `into` (lines relabelled `region`). */
function addReport(
  into: JobReport,
  part: JobReport,
  region: string,
  title: (t: string) => string,
  money: Map<string, MoneyFigure>,
): void {
  const c = part.counts;
  into.counts.planned += c.planned;
  into.counts.done += c.done;
  into.counts.failed += c.failed;
  into.counts.skipped += c.skipped;
  for (const [action, counts] of Object.entries(c.byAction)) {
    const have = into.counts.byAction[action];
    into.counts.byAction[action] = have ? sumCounts(have, counts) : { ...counts };
  }
  for (const [reason, n] of Object.entries(c.skippedByReason)) {
    into.counts.skippedByReason[reason] = (into.counts.skippedByReason[reason] ?? 0) + n;
  }
  into.lines.push(...part.lines.map((line) => ({ ...line, region })));
  into.regionFailures.push(...part.regionFailures.map((f) => ({ ...f, region })));
  into.sections.push(...part.sections.map((s) => ({ ...s, title: title(s.title) })));
  for (const figure of part.money) {
    const have = money.get(figure.label);
    money.set(
      figure.label,
      have ? { ...have, usdPerMonth: have.usdPerMonth + figure.usdPerMonth } : { ...figure },
    );
  }
}

function addUsage(into: ApiUsage, part: ApiUsage, longestWall: boolean): void {
  for (const [action, n] of Object.entries(part.calls)) into.calls[action] = (into.calls[action] ?? 0) + n;
  into.attempts += part.attempts;
  into.throttles += part.throttles;
  if (longestWall) into.wallMs = Math.max(into.wallMs, part.wallMs);
}

/**
 * One shard's report from the parts its invocations produced (issue 20: a shard past its
 * invocation's deadline hands the rest to a continuation). Each part covers items the others do
 * not (a part that handed off leaves the rest out), so counts, lines and money add up; wall time
 * and calls are summed too, since the parts ran one after another.
 */
export function mergeReportParts(parts: readonly JobReport[]): JobReport {
  const [first, ...rest] = parts;
  if (!first) throw new Error('mergeReportParts needs at least one part');
  if (rest.length === 0) return first;
  const last = rest[rest.length - 1]!;
  const merged: JobReport = {
    ...first,
    finishedAt: last.finishedAt,
    counts: { planned: 0, done: 0, failed: 0, skipped: 0, byAction: {}, skippedByReason: {} },
    lines: [],
    money: [],
    sections: [],
    regionFailures: [],
  };
  const money = new Map<string, MoneyFigure>();
  let api: ApiUsage | undefined;
  for (const part of parts) {
    addReport(merged, part, part.regions[0] ?? first.regions[0] ?? '', (t) => t, money);
    if (part.api) {
      api ??= { calls: {}, attempts: 0, throttles: 0, wallMs: 0 };
      addUsage(api, part.api, false);
      api.wallMs += part.api.wallMs;
    }
  }
  merged.money = [...money.values()];
  if (api) merged.api = api;
  else delete merged.api;
  return merged;
}
