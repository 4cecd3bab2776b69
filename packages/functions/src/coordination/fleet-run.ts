import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FleetReport, JobReport, ShardKey, ShardOutcome } from '@ec2ops/core/jobs';
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
 *
 * A shard that runs out of time hands the rest to a continuation (issue 20): its item becomes
 * `continued` with the part reported so far and the number of the continuation that may claim it
 * next, so a duplicate of an older message finds nothing to do and exactly one delivery of the
 * continuation runs.
 */

/** What a claim gives the shard's runner: the report of the parts before it (a continuation). */
export interface ShardClaim {
  part?: JobReport | undefined;
}

/** Run records outlive any run (the job functions time out in minutes), then expire. */
const RECORD_SECONDS = 2 * 86_400;

/** The shard item's attributes that continuation claims and hand-offs name. */
const SHARD_NAMES = { '#state': 'state', '#owner': 'owner', '#ttl': TTL_ATTR, '#cont': 'continuation' };

const runItem = (runId: string) => itemId('fleetRun', runId);
const shardItem = (runId: string, shard: ShardKey) => itemId('fleetRun', runId, shard.account, shard.region);

export interface FleetRunRecord {
  /** Creates the run's record (once: a replayed schedule event finds it and changes nothing). */
  open(runId: string, expected: number, now: Date): Promise<boolean>;
  /**
   * Claims a shard for `owner` until `until` (a crashed shard's claim lapses and a redelivery
   * resumes it). False: another delivery holds or finished it; this one does nothing.
   */
  claim(
    runId: string,
    shard: ShardKey,
    owner: string,
    until: Date,
    now: Date,
    continuation?: number,
  ): Promise<ShardClaim | false>;
  /**
   * Hands a claimed shard on to continuation `next`, keeping `part` (every part so far). False:
   * the claim was lost (another delivery took over), and nothing is sent.
   */
  handOff(
    runId: string,
    shard: ShardKey,
    owner: string,
    part: JobReport,
    next: number,
    now: Date,
  ): Promise<boolean>;
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
  /** Keeps the posted report on the run (the sandbox and `ec2ops job run` read it back). */
  saveReport(runId: string, report: FleetReport): Promise<void>;
  /** The run's report once posted; undefined before. */
  report(runId: string): Promise<FleetReport | undefined>;
}

/** Lines kept with a stored report or part (DynamoDB items hold 400 KB); counts stay whole. */
export const STORED_LINES = 500;

function trimmed<R extends JobReport>(report: R): R {
  return { ...report, lines: report.lines.slice(0, STORED_LINES) };
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

    async claim(runId, shard, owner, until, now, continuation = 0) {
      if (continuation === 0) {
        // An expired claim (TTL = the claim's end) counts as absent: the shard resumes.
        const first = await putIfAbsent(
          table,
          shardItem(runId, shard),
          { owner: { S: owner }, state: { S: 'running' }, continuation: { N: '0' } },
          epochSeconds(until),
          now,
        );
        return first ? {} : false;
      }
      try {
        // Continuation n claims a shard handed on to n, or whose run of n crashed (claim lapsed).
        const out = await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: { [KEY_ATTR]: { S: shardItem(runId, shard) } },
            UpdateExpression: 'SET #state = :running, #owner = :owner, #ttl = :until',
            ConditionExpression:
              '#cont = :n AND (#state = :continued OR (#state = :running AND #ttl < :now))',
            ExpressionAttributeNames: SHARD_NAMES,
            ExpressionAttributeValues: {
              ':running': { S: 'running' },
              ':continued': { S: 'continued' },
              ':owner': { S: owner },
              ':until': { N: String(epochSeconds(until)) },
              ':now': { N: String(epochSeconds(now)) },
              ':n': { N: String(continuation) },
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const part = out.Attributes?.['part']?.S;
        return part ? { part: JSON.parse(part) as JobReport } : {};
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    async handOff(runId, shard, owner, part, next, now) {
      try {
        await table.client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key: { [KEY_ATTR]: { S: shardItem(runId, shard) } },
            UpdateExpression: 'SET #state = :continued, #cont = :next, part = :part, #ttl = :ttl',
            ConditionExpression: '#owner = :owner AND #state = :running',
            ExpressionAttributeNames: SHARD_NAMES,
            ExpressionAttributeValues: {
              ':continued': { S: 'continued' },
              ':running': { S: 'running' },
              ':owner': { S: owner },
              ':next': { N: String(next) },
              ':part': { S: JSON.stringify(trimmed(part)) },
              ':ttl': { N: String(ttl(now)) },
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

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

    async saveReport(runId, report) {
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: { [KEY_ATTR]: { S: runItem(runId) } },
          UpdateExpression: 'SET report = :report',
          ConditionExpression: `attribute_exists(${KEY_ATTR})`,
          ExpressionAttributeValues: { ':report': { S: JSON.stringify(trimmed(report)) } },
        }),
      );
    },

    async report(runId) {
      const got = await table.client.send(
        new GetItemCommand({
          TableName: table.name,
          Key: { [KEY_ATTR]: { S: runItem(runId) } },
          ConsistentRead: true,
        }),
      );
      const stored = got.Item?.['report']?.S;
      return stored ? (JSON.parse(stored) as FleetReport) : undefined;
    },
  };
}

/**
 * The same record in memory, for a run that has no coordination table (`ec2ops job run` without
 * one): one process runs every shard, so a Map gives the same once-only answers.
 */
export function memoryRunRecord(): FleetRunRecord {
  const runs = new Map<
    string,
    { expected: number; finished: number; reported: boolean; report?: FleetReport }
  >();
  const shards = new Map<
    string,
    {
      owner: string;
      until: number;
      continuation: number;
      state: 'running' | 'continued';
      part?: JobReport;
      outcome?: ShardOutcome;
    }
  >();
  const key = (runId: string, s: ShardKey) => `${runId}#${s.account}#${s.region}`;
  return {
    async open(runId, expected) {
      if (runs.has(runId)) return false;
      runs.set(runId, { expected, finished: 0, reported: false });
      return true;
    },
    async claim(runId, shard, owner, until, now, continuation = 0) {
      const held = shards.get(key(runId, shard));
      if (continuation === 0) {
        if (held && (held.outcome || held.state === 'continued' || held.until > now.getTime())) return false;
        shards.set(key(runId, shard), { owner, until: until.getTime(), continuation: 0, state: 'running' });
        return {};
      }
      if (!held || held.outcome || held.continuation !== continuation) return false;
      if (held.state === 'running' && held.until > now.getTime()) return false;
      Object.assign(held, { owner, until: until.getTime(), state: 'running' });
      return { part: held.part };
    },
    async handOff(runId, shard, owner, part, next) {
      const held = shards.get(key(runId, shard));
      if (!held || held.owner !== owner || held.state !== 'running' || held.outcome) return false;
      Object.assign(held, { state: 'continued', continuation: next, part: trimmed(part) });
      return true;
    },
    async finish(runId, outcome, owner) {
      const held = shards.get(key(runId, outcome));
      const run = runs.get(runId);
      if (!held || held.owner !== owner || held.state !== 'running' || held.outcome || !run) return undefined;
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
    async saveReport(runId, report) {
      const run = runs.get(runId);
      if (run) run.report = trimmed(report);
    },
    async report(runId) {
      return runs.get(runId)?.report;
    },
  };
}
