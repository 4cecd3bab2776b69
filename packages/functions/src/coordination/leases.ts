import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type CoordinationTable,
  epochSeconds,
  isConditionFailed,
  itemId,
  KEY_ATTR,
  putIfAbsent,
} from './table';

export type LeaseOutcome = { held: true } | { held: false; holder: { runId: string; since: string } };

export interface JobLeases {
  /**
   * Takes the lease of (job, account, region) for `runId` for `seconds`. A run that crashed
   * never releases it; its lease expires and the next run takes it.
   */
  acquire(scope: LeaseScope, runId: string, seconds: number): Promise<LeaseOutcome>;
  release(scope: LeaseScope, runId: string): Promise<void>;
}

export interface LeaseScope {
  job: string;
  account: string;
  region: string;
}

/** "skipped: run <id> in progress since <instant>", what the second run reports. */
export function leaseHeldReason(holder: { runId: string; since: string }): string {
  return `skipped: run ${holder.runId} in progress since ${holder.since}`;
}

/**
 * Job-run leases as a conditional put (first run wins, an expired lease counts as free) and a
 * conditional delete (only by its holder). Powertools' idempotency does not fit: it would make a
 * second run return the first one's result, whereas the second run must be told it was skipped
 * and a later run must run again.
 */
export function jobLeases(table: CoordinationTable, now: () => Date): JobLeases {
  const key = (s: LeaseScope) => ({ [KEY_ATTR]: { S: itemId('lease', s.job, s.account, s.region) } });
  return {
    async acquire(scope, runId, seconds) {
      const at = now();
      const id = itemId('lease', scope.job, scope.account, scope.region);
      const item = { runId: { S: runId }, since: { S: at.toISOString() } };
      if (await putIfAbsent(table, id, item, epochSeconds(at) + seconds, at)) return { held: true };
      const out = await table.client.send(
        new GetItemCommand({ TableName: table.name, Key: key(scope), ConsistentRead: true }),
      );
      return {
        held: false,
        holder: { runId: out.Item?.['runId']?.S ?? '?', since: out.Item?.['since']?.S ?? '?' },
      };
    },
    async release(scope, runId) {
      try {
        await table.client.send(
          new DeleteItemCommand({
            TableName: table.name,
            Key: key(scope),
            ConditionExpression: 'runId = :run',
            ExpressionAttributeValues: { ':run': { S: runId } },
          }),
        );
      } catch (error) {
        // Expired and taken by another run meanwhile: theirs now, leave it.
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}
