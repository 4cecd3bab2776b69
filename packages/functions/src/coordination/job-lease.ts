import { randomUUID } from 'node:crypto';
import type { ItemResult, PlanItem } from '@ec2ops/core/jobs';
import { type JobLeases, jobLeases, leaseHeldReason } from './leases';
import type { CoordinationTable } from './table';

/** What a job run needs to hold its (job, account, region) leases. */
export interface JobCoordination {
  leases: JobLeases;
  /** The AWS account the run acts in (one lease per account and region). */
  account: string;
  /** This run's id, shown to an overlapping run. */
  runId: string;
  /** Longer than the job function's timeout: a crashed run's lease lapses after this. */
  leaseSeconds: number;
}

/** Built once per cold start; each run (invocation) gets its own run id. */
export function jobCoordination(
  table: CoordinationTable,
  options: { leaseSeconds: number; now?: () => Date },
): (account: string) => JobCoordination {
  const leases = jobLeases(table, options.now ?? (() => new Date()));
  return (account) => ({
    leases,
    account,
    runId: `run-${randomUUID().slice(0, 8)}`,
    leaseSeconds: options.leaseSeconds,
  });
}

/** The account a Lambda function runs in, from its ARN (`arn:aws:lambda:region:account:function:name`). */
export function accountOf(functionArn: string | undefined): string {
  return functionArn?.split(':')[4] || 'default';
}

/**
 * Applies one region's plan under its lease. An overlapping run (a manual run during the
 * scheduled one, a retry of a run that timed out) skips every item with "skipped: run <id> in
 * progress since …" instead of applying the same plan twice. Without coordination, applies.
 */
export async function underLease(
  coordination: JobCoordination | undefined,
  scope: { job: string; region: string; items: readonly PlanItem[] },
  apply: () => Promise<ItemResult[]>,
  skipped: (item: PlanItem, reason: string) => ItemResult,
): Promise<ItemResult[]> {
  if (!coordination) return apply();
  const key = { job: scope.job, account: coordination.account, region: scope.region };
  const lease = await coordination.leases.acquire(key, coordination.runId, coordination.leaseSeconds);
  if (!lease.held) return scope.items.map((item) => skipped(item, leaseHeldReason(lease.holder)));
  try {
    return await apply();
  } finally {
    await coordination.leases.release(key, coordination.runId);
  }
}
