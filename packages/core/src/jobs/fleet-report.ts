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

export type ShardOutcome = ShardKey &
  (
    | { status: 'done'; report: JobReport }
    /** The shard could not run at all (AssumeRole refused, the job threw): named in the report. */
    | { status: 'failed'; code: string; message: string }
    /** No result by the run's deadline. */
    | { status: 'missing' }
  );

/** Per shard, what `ec2ops job run --json` and the aggregated report carry. */
export interface ShardSummary extends ShardKey {
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
    report.counts.planned += c.planned;
    report.counts.done += c.done;
    report.counts.failed += c.failed;
    report.counts.skipped += c.skipped;
    for (const [action, counts] of Object.entries(c.byAction)) {
      const have = report.counts.byAction[action];
      report.counts.byAction[action] = have ? sumCounts(have, counts) : { ...counts };
    }
    for (const [reason, n] of Object.entries(c.skippedByReason)) {
      report.counts.skippedByReason[reason] = (report.counts.skippedByReason[reason] ?? 0) + n;
    }
    report.lines.push(...shard.lines.map((line) => ({ ...line, region: label(key) })));
    report.regionFailures.push(...shard.regionFailures.map((f) => ({ ...f, region: label(key) })));
    report.sections.push(
      ...shard.sections.map((s) => (single ? s : { ...s, title: `${s.title} (${shardLabel(key)})` })),
    );
    for (const figure of shard.money) {
      const have = money.get(figure.label);
      money.set(
        figure.label,
        have ? { ...have, usdPerMonth: have.usdPerMonth + figure.usdPerMonth } : { ...figure },
      );
    }
    if (shard.api) {
      counted = true;
      for (const [action, n] of Object.entries(shard.api.calls))
        api.calls[action] = (api.calls[action] ?? 0) + n;
      api.attempts += shard.api.attempts;
      api.throttles += shard.api.throttles;
      if (input.wallMs === undefined) api.wallMs = Math.max(api.wallMs, shard.api.wallMs);
    }
    report.shards.push({
      ...key,
      status: 'done',
      counts: { planned: c.planned, done: c.done, failed: c.failed, skipped: c.skipped },
      usdPerMonth: shard.money.reduce((n, m) => n + m.usdPerMonth, 0),
    });
  }
  report.counts.skippedByReason = Object.fromEntries(
    Object.entries(report.counts.skippedByReason).sort((a, b) => b[1] - a[1]),
  );
  report.money = [...money.values()];
  if (counted) report.api = api;
  return report;
}
