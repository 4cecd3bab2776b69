import { parseStageConfig } from '@ec2ops/core';
import { eipCleanup } from '@ec2ops/functions/jobs/eip-cleanup';
import { createJobHandler } from '@ec2ops/functions/jobs/handler';
import { systemClock } from '@ec2ops/functions/root';
import type { Context } from 'aws-lambda';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ago, allocateAddress, DAY, type EipWorld, remaining, startWorld } from './eip-fixtures';

const M = { 'ec2ops:managed': 'true' };
const context = { functionName: 'eip-cleanup', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

let world: EipWorld;
beforeEach(async () => {
  world = await startWorld();
  await allocateAddress(world.ec2('us-east-1'), 'old', { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
});
afterEach(() => world.close());

function handlerFor(production: boolean) {
  let built = 0;
  const config = parseStageConfig({ stage: production ? 'prod' : 'dev', production, regions: ['us-east-1'] });
  const handler = createJobHandler(eipCleanup, () => {
    built += 1;
    return {
      config,
      ec2: world.as('eip-cleanup', config),
      notifier: undefined,
      log: pino({ level: 'silent' }),
      clock: systemClock,
    };
  });
  return { handler, builds: () => built };
}

describe('job Lambda handler (EventBridge Scheduler target)', () => {
  it('plans only in a non-production stage when the schedule sends {}', async () => {
    const { handler } = handlerFor(false);
    const result = await handler({}, context);
    expect(result).toMatchObject({ job: 'eip-cleanup', dryRun: true, ok: true, summary: 'would release 1' });
    expect(Object.keys(await remaining(world.ec2('us-east-1')))).toEqual(['old']);
  });

  it('applies in production, and builds its clients once per cold start', async () => {
    const { handler, builds } = handlerFor(true);
    expect(await handler({}, context)).toMatchObject({ dryRun: false, ok: true, summary: 'released 1' });
    await handler({}, context);
    expect(builds()).toBe(1);
    expect(await remaining(world.ec2('us-east-1'))).toEqual({});
  });

  it('honours dryRun in the event, and refuses a malformed one before any change', async () => {
    const { handler } = handlerFor(true);
    expect(await handler({ dryRun: true }, context)).toMatchObject({ dryRun: true });
    await expect(handler({ now: 'soon' }, context)).rejects.toThrow('event.now must be an ISO-8601 instant');
    await expect(handler({ regions: ['x'] }, context)).rejects.toThrow('not an AWS region');
    expect(Object.keys(await remaining(world.ec2('us-east-1')))).toEqual(['old']);
  });
});
