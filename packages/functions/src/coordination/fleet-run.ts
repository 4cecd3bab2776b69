import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ShardKey, ShardOutcome } from '@ec2ops/core/jobs';
import {
  type CoordinationTable,
  epochSeconds,
  isConditionFailed,
  itemId,
  KEY_ATTR,
  putIfAbsent,
  TTL_ATTR,
} from './table';

/**
 * The record of one fan-out run (issue 15): a run item with how many shards it expects and how
 * many finished, and one item per shard. Every step is a conditional write, so duplicate and
 * concurrent shard deliveries agree: a shard is claimed once, counted once, and exactly one
 * caller (the last shard to finish, or whoever finds the deadline passed) posts the report.
 */

/** Run records outlive any run (the job functions time out in minutes), then expire. */
const RECORD_SECONDS = 2 * 86_400;

const runItem = (runId: string) => itemId('fleetRun', runId);
const shardItem = (runId: string, shard: ShardKey) => itemId('fleetRun', runId, shard.account, shard.region);

export interface FleetRunRecord {
  /** Creates the run's record (once: a replayed schedule event finds it and changes nothing). */
  open(runId: string, expected: number, now: Date): Promise<boolean>;
  /**
   * Claims a shard for `owner` until `until` (a crashed shard's claim lapses and a redelivery
   * resumes it). False: another delivery holds or finished it; this one does nothing.
   */
  claim(runId: string, shard: ShardKey, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Stores a claimed shard's outcome and counts it; the run's finished count after it (undefined: not counted). */
  finish(
    runId: string,
    outcome: ShardOutcome,
    owner: string,
    now: Date,
  ): Promise<{ finished: number; expected: number } | undefined>;
  /** True for exactly one caller: the one that posts the report. */
  claimReport(runId: string): Promise<boolean>;
  /** Each shard's stored outcome; `missing` for a shard without one. */
  outcomes(runId: string, shards: readonly ShardKey[]): Promise<ShardOutcome[]>;
}

export function fleetRunRecord(table: CoordinationTable): FleetRunRecord {
  const ttl = (now: Date) => epochSeconds(now) + RECORD_SECONDS;
  return {
    open: (runId, expected, now) =>
      putIfAbsent(
        table,
        runItem(runId),
        { expected: { N: String(expected) }, finished: { N: '0' } },
        ttl(now),
        now,
      ),

    claim: (runId, shard, owner, until, now) =>
      // An expired claim (TTL = the claim's end) counts as absent: the shard resumes.
      putIfAbsent(
        table,
        shardItem(runId, shard),
        { owner: { S: owner }, state: { S: 'running' } },
        epochSeconds(until),
        now,
      ),

    async finish(runId, outcome, owner, now) {
      try {
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: { [KEY_ATTR]: { S: shardItem(runId, outcome) } },
            UpdateExpression: 'SET #state = :done, outcome = :outcome, #ttl = :ttl',
            ConditionExpression: '#owner = :owner AND #state = :running',
            ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner', '#ttl': TTL_ATTR },
            ExpressionAttributeValues: {
              ':done': { S: 'done' },
              ':running': { S: 'running' },
              ':owner': { S: owner },
              ':outcome': { S: JSON.stringify(outcome) },
              ':ttl': { N: String(ttl(now)) },
            },
          }),
        );
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
      const counted = await table.client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: { [KEY_ATTR]: { S: runItem(runId) } },
          UpdateExpression: 'ADD finished :one',
          ConditionExpression: `attribute_exists(${KEY_ATTR})`,
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        finished: Number(counted.Attributes?.['finished']?.N ?? 0),
        expected: Number(counted.Attributes?.['expected']?.N ?? 0),
      };
    },

    async claimReport(runId) {
      try {
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: { [KEY_ATTR]: { S: runItem(runId) } },
            UpdateExpression: 'SET reported = :yes',
            ConditionExpression: `attribute_exists(${KEY_ATTR}) AND attribute_not_exists(reported)`,
            ExpressionAttributeValues: { ':yes': { BOOL: true } },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    async outcomes(runId, shards) {
      return Promise.all(
        shards.map(async (shard): Promise<ShardOutcome> => {
          const got = await table.client.send(
            new GetItemCommand({
              TableName: table.name,
              Key: { [KEY_ATTR]: { S: shardItem(runId, shard) } },
              ConsistentRead: true,
            }),
          );
          const stored = got.Item?.['outcome']?.S;
          return stored ? (JSON.parse(stored) as ShardOutcome) : { ...shard, status: 'missing' };
        }),
      );
    },
  };
}

/**
 * The same record in memory, for a run that has no coordination table (`ec2ops job run` without
 * one): one process runs every shard, so a Map gives the same once-only answers.
 */
export function memoryRunRecord(): FleetRunRecord {
  const runs = new Map<string, { expected: number; finished: number; reported: boolean }>();
  const shards = new Map<string, { owner: string; until: number; outcome?: ShardOutcome }>();
  const key = (runId: string, s: ShardKey) => `${runId}#${s.account}#${s.region}`;
  return {
    async open(runId, expected) {
      if (runs.has(runId)) return false;
      runs.set(runId, { expected, finished: 0, reported: false });
      return true;
    },
    async claim(runId, shard, owner, until, now) {
      const held = shards.get(key(runId, shard));
      if (held && (held.outcome || held.until > now.getTime())) return false;
      shards.set(key(runId, shard), { owner, until: until.getTime() });
      return true;
    },
    async finish(runId, outcome, owner) {
      const held = shards.get(key(runId, outcome));
      const run = runs.get(runId);
      if (!held || held.owner !== owner || held.outcome || !run) return undefined;
      held.outcome = outcome;
      run.finished += 1;
      return { finished: run.finished, expected: run.expected };
    },
    async claimReport(runId) {
      const run = runs.get(runId);
      if (!run || run.reported) return false;
      run.reported = true;
      return true;
    },
    async outcomes(runId, list) {
      return list.map((s) => shards.get(key(runId, s))?.outcome ?? { ...s, status: 'missing' as const });
    },
  };
}
