import {
  DescribeAddressesCommand,
  type EC2Client,
  ModifyAddressAttributeCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import type { JobReport } from '@ec2ops/core/jobs';
import { countCalls } from '@ec2ops/functions/ec2/call-counter';
import { eipCleanup } from '@ec2ops/functions/jobs/eip-cleanup';
import { runJob } from '@ec2ops/functions/jobs/registry';
import type { Notifier, RegionContext } from '@ec2ops/functions/jobs/types';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ago,
  allocateAddress,
  associate,
  DAY,
  type EipWorld,
  NOW,
  remaining,
  runInstance,
  stageConfig,
  startWorld,
  withFaults,
} from './eip-fixtures';

const M = { 'ec2ops:managed': 'true' };

/** What runJob hands eip-cleanup for us-east-1, to drive plan and apply one at a time. */
const applyContext = (ec2: EC2Client): RegionContext => ({
  region: 'us-east-1',
  ec2,
  config: stageConfig(),
  now: NOW,
  dryRun: false,
  log: pino({ level: 'silent' }),
  notifier: undefined,
});
const NOW_ISO = NOW.toISOString();

let world: EipWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The issue-7 matrix in one region: one address per case, named after it. */
async function seedMatrix(w: EipWorld, region: string): Promise<void> {
  const ec2 = w.ec2(region);
  const instance = await runInstance(ec2);
  const instance2 = await runInstance(ec2);
  await associate(ec2, await allocateAddress(ec2, 'associated', M), instance);
  await allocateAddress(ec2, 'keep', { ...M, 'ec2ops:keep': 'true', 'ec2ops:idle-since': ago(30 * DAY) });
  await allocateAddress(ec2, 'unmanaged');
  await allocateAddress(ec2, 'young', { ...M, 'ec2ops:idle-since': ago(3 * DAY) });
  await allocateAddress(ec2, 'old', { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
  await allocateAddress(ec2, 'new', M);
  const back = await allocateAddress(ec2, 'back', {
    ...M,
    'ec2ops:idle-since': ago(6.5 * DAY),
    'ec2ops:warned-at': ago(2 * 3_600_000),
  });
  await associate(ec2, back, instance2);
}

/** What the matrix must look like after one applied run at NOW. */
const AFTER_MATRIX = {
  associated: { tags: M, associated: true },
  keep: { tags: { ...M, 'ec2ops:keep': 'true', 'ec2ops:idle-since': ago(30 * DAY) }, associated: false },
  unmanaged: { tags: {}, associated: false },
  young: { tags: { ...M, 'ec2ops:idle-since': ago(3 * DAY) }, associated: false },
  new: { tags: { ...M, 'ec2ops:idle-since': NOW_ISO }, associated: false },
  back: { tags: M, associated: true },
};

function run(
  w: EipWorld,
  overrides: {
    dryRun?: boolean;
    regions?: string[];
    notifier?: Notifier;
    config?: Record<string, unknown>;
  } = {},
): Promise<JobReport> {
  const config = stageConfig(overrides.config);
  return runJob('eip-cleanup', {
    ec2: w.as('eip-cleanup', config),
    config,
    now: NOW,
    dryRun: overrides.dryRun ?? false,
    regions: overrides.regions,
    notifier: overrides.notifier,
  });
}

function linesOf(report: JobReport, status: string) {
  return report.lines
    .filter((l) => l.status === status)
    .map((l) => `${l.region} ${l.action} ${l.resource.split(' ')[0]}`);
}

describe('eip-cleanup against the EC2 emulator', () => {
  it('applies the matrix: releases only the managed address idle past the grace period, marks, un-marks, keeps', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const report = await run(world);
    expect(await remaining(world.ec2('us-east-1'))).toEqual(AFTER_MATRIX);
    expect(report.counts.byAction).toMatchObject({
      release: { done: 1 },
      mark: { done: 1 },
      unmark: { done: 1 },
    });
    expect(report.counts.failed).toBe(0);
    expect(report.money[0]).toMatchObject({ label: 'Saved', usdPerMonth: 0.005 * 730 });
  });

  it('changes nothing on a dry run, and says what it would do', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const before = await remaining(world.ec2('us-east-1'));
    const report = await run(world, { dryRun: true });
    expect(await remaining(world.ec2('us-east-1'))).toEqual(before);
    expect(report.counts).toMatchObject({ planned: 3, done: 0 });
    expect(report.money[0]).toMatchObject({ label: 'Would save', usdPerMonth: 0.005 * 730 });
  });

  it('releases every unassociated address in scope "all", still never a keep-tagged one', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    await allocateAddress(ec2, 'unmanaged-old', { 'ec2ops:idle-since': ago(10 * DAY) });
    await allocateAddress(ec2, 'unmanaged-new');
    await allocateAddress(ec2, 'unmanaged-keep', {
      'ec2ops:keep': 'true',
      'ec2ops:idle-since': ago(10 * DAY),
    });
    await run(world, { config: { eip: { scope: 'all' } } });
    expect(await remaining(ec2)).toEqual({
      'unmanaged-new': { tags: { 'ec2ops:idle-since': NOW_ISO }, associated: false },
      'unmanaged-keep': {
        tags: { 'ec2ops:keep': 'true', 'ec2ops:idle-since': ago(10 * DAY) },
        associated: false,
      },
    });
  });

  it('does not release an address associated between plan and apply, and clears its mark', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    const instance = await runInstance(ec2);
    const late = await allocateAddress(ec2, 'late', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    await allocateAddress(ec2, 'old', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    const ctx = applyContext(world.as('eip-cleanup')('us-east-1'));
    const plan = await eipCleanup.plan(ctx);
    expect(plan.items.map((i) => i.action)).toEqual(['release', 'release']);
    await associate(ec2, late, instance);
    const results = await eipCleanup.apply(ctx, plan);
    expect(results.find((r) => r.id === late)?.outcome).toEqual({
      status: 'skipped',
      reason: 'associated since the plan: not released, idle mark cleared',
    });
    expect(await remaining(ec2)).toEqual({ late: { tags: M, associated: true } });
  });

  it('treats an address released by someone else meanwhile as already gone', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    const gone = await allocateAddress(ec2, 'gone', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    const ctx = applyContext(world.as('eip-cleanup')('us-east-1'));
    const plan = await eipCleanup.plan(ctx);
    await ec2.send(new ReleaseAddressCommand({ AllocationId: gone }));
    const results = await eipCleanup.apply(ctx, plan);
    expect(results[0]?.outcome).toEqual({ status: 'done', detail: 'already released' });
  });

  it('reports PtrSet and locked addresses per address, and still releases the others', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    const ptr = await allocateAddress(ec2, 'ptr', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    const locked = await allocateAddress(ec2, 'locked', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    await allocateAddress(ec2, 'old-1', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    await allocateAddress(ec2, 'old-2', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    await ec2.send(new ModifyAddressAttributeCommand({ AllocationId: ptr, DomainName: 'mail.example.com' }));
    const response = await fetch(`${world.emulator.url}/_emulator/addresses/${locked}/lock`, {
      method: 'POST',
    });
    expect(response.status).toBe(200);

    const report = await run(world);

    const failed = report.lines.filter((l) => l.status === 'failed');
    expect(failed.map((l) => [l.id, l.code])).toEqual(
      expect.arrayContaining([
        [ptr, 'InvalidAddress.PtrSet'],
        [locked, 'InvalidAddress.Locked'],
      ]),
    );
    expect(failed).toHaveLength(2);
    for (const line of failed) expect(line.message).toMatch(/^cannot release: .+, do .+/);
    expect(failed.find((l) => l.id === ptr)?.message).toContain('reset-address-attribute');
    expect(report.counts.byAction.release).toMatchObject({ done: 2, failed: 2 });
    expect(await remaining(ec2)).toEqual({
      ptr: { tags: { ...M, 'ec2ops:idle-since': ago(9 * DAY) }, associated: false },
      locked: { tags: { ...M, 'ec2ops:idle-since': ago(9 * DAY) }, associated: false },
    });
    expect(report.money[0]?.usdPerMonth).toBeCloseTo(2 * 0.005 * 730);
  });

  it('re-reads releases a bucket at a time: one DescribeAddresses a group, one ReleaseAddress an address, each decided on the re-read', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1)
      ids.push(await allocateAddress(ec2, `old-${i}`, { ...M, 'ec2ops:idle-since': ago(9 * DAY) }));
    const client = world.as('eip-cleanup')('us-east-1');
    // A bucket of 5 that refills at once: groups of 5, 5 and 2, without waiting.
    const ctx = { ...applyContext(client), pacing: { burst: 5, perSecond: 100_000 } };
    const plan = await eipCleanup.plan(ctx);
    // Meanwhile someone releases one address and puts another one to use.
    await ec2.send(new ReleaseAddressCommand({ AllocationId: ids[3]! }));
    await associate(ec2, ids[7]!, await runInstance(ec2));
    const counter = countCalls(client);
    const results = await eipCleanup.apply(ctx, plan);
    expect(counter.calls).toEqual({ DescribeAddresses: 3, ReleaseAddress: 10, DeleteTags: 1 });
    expect(results.map((r) => r.outcome.status)).toEqual([
      ...Array(7).fill('done'),
      'skipped',
      ...Array(4).fill('done'),
    ]);
    expect(results[3]?.outcome).toEqual({ status: 'done', detail: 'already released' });
    expect(await remaining(ec2)).toEqual({ 'old-7': { tags: M, associated: true } });
  });

  it('starts no release after the deadline and leaves it for the next run', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    await allocateAddress(ec2, 'old', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    const report = await runJob('eip-cleanup', {
      ec2: world.as('eip-cleanup'),
      config: stageConfig(),
      now: NOW,
      dryRun: false,
      deadline: Date.now() - 1,
    });
    expect(report.lines.map((l) => [l.action, l.status, l.message])).toEqual([
      ['release', 'skipped', 'out of time in this run: the next run releases it'],
    ]);
    expect(Object.keys(await remaining(ec2))).toEqual(['old']);
  });

  it('logs the report as one JSON event carrying report.counts.failed (what the alarm filter reads)', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    const locked = await allocateAddress(ec2, 'locked', { ...M, 'ec2ops:idle-since': ago(9 * DAY) });
    await fetch(`${world.emulator.url}/_emulator/addresses/${locked}/lock`, { method: 'POST' });
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await runJob('eip-cleanup', {
      ec2: world.as('eip-cleanup'),
      config: stageConfig(),
      now: NOW,
      dryRun: false,
      log,
    });
    const events = lines.map((l) => JSON.parse(l));
    const reportEvent = events.find((e) => e.report);
    expect(reportEvent).toMatchObject({
      job: 'eip-cleanup',
      stage: 'test',
      report: { counts: { failed: 1 }, lines: [expect.objectContaining({ code: 'InvalidAddress.Locked' })] },
    });
  });

  it('handles several regions independently', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    await seedMatrix(world, 'eu-west-1');
    await allocateAddress(world.ec2('ap-southeast-2'), 'untouched-region', {
      ...M,
      'ec2ops:idle-since': ago(20 * DAY),
    });
    // Both regions are the stage's: its policy allows no other.
    const regions = ['us-east-1', 'eu-west-1'];
    const report = await run(world, { regions, config: { regions } });
    expect(await remaining(world.ec2('us-east-1'))).toEqual(AFTER_MATRIX);
    expect(await remaining(world.ec2('eu-west-1'))).toEqual(AFTER_MATRIX);
    expect(Object.keys(await remaining(world.ec2('ap-southeast-2')))).toEqual(['untouched-region']);
    expect(linesOf(report, 'done').filter((l) => l.includes('release'))).toHaveLength(2);
    expect(report.money[0]?.usdPerMonth).toBeCloseTo(2 * 0.005 * 730);
  });

  it('warns the owner once, a day before release, and records it', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    await allocateAddress(ec2, 'soon', {
      ...M,
      'ec2ops:owner': 'UOWNER1',
      'ec2ops:idle-since': ago(6.5 * DAY),
    });
    const dms: { user: string; text: string }[] = [];
    const notifier: Notifier = {
      post: async () => {},
      dm: async (user, m) => void dms.push({ user, text: m.text }),
    };
    const first = await run(world, { notifier });
    expect(dms).toHaveLength(1);
    expect(dms[0]?.user).toBe('UOWNER1');
    expect(dms[0]?.text).toContain('will be released at 2026-11-24T03:00:00.000Z');
    expect(first.counts.byAction.warn?.done).toBe(1);
    expect((await remaining(ec2)).soon?.tags['ec2ops:warned-at']).toBe(NOW_ISO);
    await run(world, { notifier });
    expect(dms).toHaveLength(1);
  });

  it('posts the report to the stage channel within Slack limits', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const posts: { channel: string; blocks: unknown[] }[] = [];
    const notifier: Notifier = {
      post: async (channel, m) => void posts.push({ channel, blocks: m.blocks ?? [] }),
      dm: async () => {},
    };
    await run(world, { notifier, config: { slack: { reportChannel: 'CREPORTS' } } });
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe('CREPORTS');
    expect(JSON.stringify(posts[0]?.blocks)).toContain('released');
  });

  it('posts a dry run only when a person asked for it (a scheduled one would repeat every run)', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const posts: string[] = [];
    const notifier: Notifier = { post: async (channel) => void posts.push(channel), dm: async () => {} };
    const base = {
      ec2: world.as('eip-cleanup'),
      config: stageConfig({ slack: { reportChannel: 'CREPORTS' } }),
      now: NOW,
      dryRun: true,
      notifier,
    };
    await runJob('eip-cleanup', base);
    expect(posts).toEqual([]);
    await runJob('eip-cleanup', { ...base, postDryRun: true });
    expect(posts).toEqual(['CREPORTS']);
  });

  it('ends two simultaneous runs in the same state as one', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const [a, b] = await Promise.all([run(world), run(world)]);
    expect(await remaining(world.ec2('us-east-1'))).toEqual(AFTER_MATRIX);
    expect(a.counts.failed + b.counts.failed).toBe(0);
  });

  it('ends two overlapping runs a second apart in the same state, up to which of them wrote the new mark', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    const later = new Date(NOW.getTime() + 1000);
    const config = stageConfig();
    const [a, b] = await Promise.all([
      runJob('eip-cleanup', { ec2: world.as('eip-cleanup', config), config, now: NOW, dryRun: false }),
      runJob('eip-cleanup', { ec2: world.as('eip-cleanup', config), config, now: later, dryRun: false }),
    ]);
    expect(a.counts.failed + b.counts.failed).toBe(0);
    const after = await remaining(world.ec2('us-east-1'));
    const mark = after.new?.tags['ec2ops:idle-since'];
    expect([NOW_ISO, later.toISOString()]).toContain(mark);
    expect(after).toEqual({
      ...AFTER_MATRIX,
      new: { tags: { ...M, 'ec2ops:idle-since': mark }, associated: false },
    });
  });

  it('ends correct with 20% of requests throttled', async () => {
    world = await startWorld();
    await seedMatrix(world, 'us-east-1');
    world = await withFaults(world, 'seed=7,throttle-rate=0.2');
    const counter = countCalls(world.as('eip-cleanup')('us-east-1'));
    const report = await run(world);
    expect(counter.attempts).toBeGreaterThan(counter.total()); // it did meet throttling
    expect(report.counts.failed).toBe(0);
    expect(report.regionFailures).toEqual([]);
    world = await withFaults(world, 'seed=1');
    expect(await remaining(world.ec2('us-east-1'))).toEqual(AFTER_MATRIX);
  }, 90_000);

  it('describes each region once when nothing needs doing', async () => {
    world = await startWorld();
    const ec2 = world.ec2('us-east-1');
    await allocateAddress(ec2, 'young', { ...M, 'ec2ops:idle-since': ago(DAY) });
    const before = (await ec2.send(new DescribeAddressesCommand({}))).Addresses?.length;
    const report = await run(world);
    expect(before).toBe(1);
    expect(report.counts).toMatchObject({ planned: 0, done: 0, failed: 0, skipped: 1 });
  });
});
