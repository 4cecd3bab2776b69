import { parseStageConfig } from '@ec2ops/core';
import { jobCoordination } from '@ec2ops/functions/coordination/job-lease';
import { jobLeases } from '@ec2ops/functions/coordination/leases';
import type { CoordinationTable } from '@ec2ops/functions/coordination/table';
import { createJobHandler } from '@ec2ops/functions/jobs/handler';
import type { DynamoEmulator } from '@ec2ops/sandbox/dynamo/server';
import type { Context } from 'aws-lambda';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ago, allocateAddress, DAY, type EipWorld, NOW, remaining, startWorld } from '../jobs/eip-fixtures';
import { allAtOnce, startTable } from './support';

/**
 * Two runs of one job in one account and region never both apply: the second skips every item,
 * naming the run in progress. A run that crashed holds its lease only until it expires.
 */
const context = {
  functionName: 'eip-cleanup',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:eip-cleanup',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;
const M = { 'ec2ops:managed': 'true' };

let world: EipWorld;
let dynamo: DynamoEmulator;
let table: CoordinationTable;
beforeEach(async () => {
  // Releases take a moment, so that two runs started together are still applying together.
  world = await startWorld({ faults: 'latency=300ms,actions=ReleaseAddress' });
  ({ dynamo, table } = await startTable());
  for (const name of ['a', 'b', 'c'])
    await allocateAddress(world.ec2('us-east-1'), name, { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
});
afterEach(async () => {
  await world.close();
  table.client.destroy();
  await dynamo.close();
});

/** One job function container (its own cold start) on the shared table, its lease clock at `now`. */
function container(now: () => Date = () => new Date()) {
  return createJobHandler('eip-cleanup', () => ({
    config: parseStageConfig({ stage: 'prod', production: true, regions: ['us-east-1'] }),
    ec2: world.ec2,
    notifier: undefined,
    log: pino({ level: 'silent' }),
    coordination: jobCoordination(table, { leaseSeconds: 600, now }),
  }));
}

describe('job-run leases', () => {
  it('lets one of two overlapping runs apply; the other reports the run in progress', async () => {
    const [one, two] = await allAtOnce(2, (i) =>
      container()({ now: NOW.toISOString() }, { ...context, awsRequestId: String(i) }),
    );
    const results = [one!, two!];
    const applied = results.filter((r) => r.summary.includes('released 3'));
    const skipped = results.filter((r) => r.report.counts.skipped === 3);
    expect(applied).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(JSON.stringify(skipped[0]!.report.lines)).toMatch(
      /skipped: run run-[0-9a-f]{8} in progress since \d{4}-\d\d-\d\dT/,
    );
    expect(await remaining(world.ec2('us-east-1'))).toEqual({});
  });

  it('takes over the lease of a run that crashed once it has expired', async () => {
    const crashed = jobLeases(table, () => new Date());
    const scope = { job: 'eip-cleanup', account: '123456789012', region: 'us-east-1' };
    expect(await crashed.acquire(scope, 'run-crashed1', 600)).toEqual({ held: true });

    const meanwhile = await container()({ now: NOW.toISOString() }, context);
    expect(meanwhile.report.counts.skipped).toBe(3);
    expect(JSON.stringify(meanwhile.report.lines)).toContain('skipped: run run-crashed1 in progress since');

    const later = await container(() => new Date(Date.now() + 11 * 60_000))(
      { now: NOW.toISOString() },
      context,
    );
    expect(later.summary).toContain('released 3');
    expect(await remaining(world.ec2('us-east-1'))).toEqual({});
  });
});
