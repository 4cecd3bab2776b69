import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { JobRunRecord } from '@ec2ops/core/ops';
import { type CoordinationTable, epochSeconds, itemId, KEY_ATTR, TTL_ATTR } from './table';

/** Kept long enough to show a job that stopped running (two schedule periods of the daily jobs, and more). */
const KEEP_SECONDS = 30 * 24 * 3600;

/**
 * The last run of each job, one item per job (`run#<job>`), overwritten by every run: what
 * `/ec2 status` shows as "last run". A lease says a run is in progress; this says how the last
 * one ended.
 */
export interface JobRuns {
  record(run: JobRunRecord): Promise<void>;
  last(jobs: readonly string[]): Promise<Map<string, JobRunRecord>>;
}

export function jobRuns(table: CoordinationTable): JobRuns {
  const key = (job: string) => ({ [KEY_ATTR]: { S: itemId('run', job) } });
  return {
    async record(run) {
      await table.client.send(
        new PutItemCommand({
          TableName: table.name,
          Item: {
            ...key(run.job),
            at: { S: run.at },
            ok: { BOOL: run.ok },
            dryRun: { BOOL: run.dryRun },
            summary: { S: run.summary },
            [TTL_ATTR]: { N: String(epochSeconds(new Date(run.at)) + KEEP_SECONDS) },
          },
        }),
      );
    },
    async last(jobs) {
      const found = await Promise.all(
        jobs.map(async (job) => {
          const out = await table.client.send(new GetItemCommand({ TableName: table.name, Key: key(job) }));
          const item = out.Item;
          if (!item?.['at']?.S) return undefined;
          return {
            job,
            at: item['at'].S,
            ok: item['ok']?.BOOL ?? false,
            dryRun: item['dryRun']?.BOOL ?? false,
            summary: item['summary']?.S ?? '',
          } satisfies JobRunRecord;
        }),
      );
      return new Map(found.filter((r) => r !== undefined).map((r) => [r.job, r]));
    },
  };
}
