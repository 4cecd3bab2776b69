import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amiBake } from '../../src/jobs/ami-bake';
import { runJob } from '../../src/jobs/registry';
import type { RegionContext } from '../../src/jobs/types';
import { type BakeHarness, DAY, startBakeHarness } from './ami-bake-harness';

let h: BakeHarness;
beforeAll(async () => {
  h = await startBakeHarness();
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const sorted = (...lists: string[][]) => lists.flat().sort();

async function tagsOf(imageId: string): Promise<Record<string, string>> {
  const out = await h.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return Object.fromEntries((out.Images?.[0]?.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

describe('ami-bake retention, against the EC2 emulator', () => {
  it('keeps the newest N available images and deregisters the rest with their snapshots', async () => {
    const source = await h.instance();
    const images = [];
    for (const days of [1, 2, 3, 4, 5]) images.push(await h.pastImage(source, days));
    const report = await h.run(h.at(), h.config({ retention: { count: 3 } }));
    expect(report.counts.failed).toBe(0);
    const kept = images.slice(0, 3);
    expect(await h.imagesOf(source)).toEqual(sorted(kept.map((i) => i.imageId)));
    expect(await h.snapshotsOf(source)).toEqual(sorted(...kept.map((i) => i.snapshotIds)));
  });

  it('keeps images younger than the retention age, whatever their number', async () => {
    const source = await h.instance();
    const images = [];
    for (const days of [1, 2, 3, 9, 12]) images.push(await h.pastImage(source, days));
    await h.run(h.at(), h.config({ retention: { age: '7d' } }));
    const kept = images.slice(0, 3);
    expect(await h.imagesOf(source)).toEqual(sorted(kept.map((i) => i.imageId)));
    expect(await h.snapshotsOf(source)).toEqual(sorted(...kept.map((i) => i.snapshotIds)));
  });

  it('lets an instance override retention with its retain tag (and bakes it)', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly', 'ec2ops:retain': '4', Name: 'builder' });
    const images = [];
    for (const days of [1, 2, 3, 4, 5, 6]) images.push(await h.pastImage(source, days));
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));
    const baked = report.lines.find((l) => l.action === 'bake' && l.id === source);
    expect(baked?.status).toBe('done');
    const newImage = /ami-[0-9a-f]+/.exec(baked!.message)![0];
    const remaining = await h.imagesOf(source);
    expect(remaining).toEqual(
      sorted(
        [newImage],
        images.slice(0, 4).map((i) => i.imageId),
      ),
    );
    const tags = await tagsOf(newImage);
    expect(tags).toMatchObject({
      'ec2ops:managed': 'true',
      'ec2ops:source-instance': source,
      'ec2ops:baked-at': h.at().toISOString(),
      'ec2ops:stage': 'test',
    });
    const described = await h.ec2.send(new DescribeImagesCommand({ ImageIds: [newImage] }));
    expect(described.Images?.[0]?.Name).toBe(
      `builder-${h.at().toISOString().slice(0, 10).replaceAll('-', '')}-1000`,
    );
    // The new image's snapshots carry the same tags, so they are counted as the source's.
    expect((await h.snapshotsOf(source)).length).toBe(5);
  });

  it('never deregisters an image used by version 3 of 5 of a launch template', async () => {
    const source = await h.instance();
    const used = await h.pastImage(source, 20);
    const old = await h.pastImage(source, 21);
    const newest = await h.pastImage(source, 1);
    const publicImage = (await h.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!
      .ImageId!;
    const lt = await h.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `web-${source}`,
        LaunchTemplateData: { ImageId: publicImage, InstanceType: 't3.micro' },
      }),
    );
    for (const version of [2, 3, 4, 5]) {
      await h.ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId!,
          LaunchTemplateData: {
            ImageId: version === 3 ? used.imageId : publicImage,
            InstanceType: 't3.micro',
          },
        }),
      );
    }
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));
    expect(await h.imagesOf(source)).toEqual(sorted([used.imageId, newest.imageId]));
    expect(await h.snapshotsOf(source)).toEqual(sorted(used.snapshotIds, newest.snapshotIds));
    expect(report.lines.find((l) => l.id === used.imageId)?.message).toBe('in use');
    expect(report.lines.find((l) => l.id === old.imageId)).toMatchObject({
      action: 'deregister',
      status: 'done',
    });
  });

  it('never deregisters an image a stopped instance was launched from', async () => {
    const source = await h.instance();
    const used = await h.pastImage(source, 30);
    const newest = await h.pastImage(source, 1);
    const old = await h.pastImage(source, 31);
    const run = await h.ec2.send(
      new RunInstancesCommand({ ImageId: used.imageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }),
    );
    await h.ec2.send(new StopInstancesCommand({ InstanceIds: [run.Instances![0]!.InstanceId!] }));
    await h.run(h.at(), h.config({ retention: { count: 1 } }));
    expect(await h.imagesOf(source)).toEqual(sorted([used.imageId, newest.imageId]));
    expect(await h.snapshotsOf(source)).not.toContain(old.snapshotIds[0]);
  });

  it('never removes keep=true, unmanaged, failed-but-kept or pending images; removes failed ones', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const keep = await h.pastImage(source, 40, { tags: { 'ec2ops:keep': 'true' } });
    const unmanaged = await h.pastImage(source, 41, { managed: false });
    const pending = await h.pastImage(source, 42, { state: 'pending' });
    const failed = await h.pastImage(source, 2, { state: 'failed' });
    const old = await h.pastImage(source, 43);
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));
    expect(await h.imagesOf(source)).toEqual(
      sorted([newest, keep, unmanaged, pending].map((i) => i.imageId)),
    );
    expect(await h.snapshotsOf(source)).toEqual(
      sorted(newest.snapshotIds, keep.snapshotIds, unmanaged.snapshotIds, pending.snapshotIds),
    );
    expect(report.lines.find((l) => l.id === failed.imageId)).toMatchObject({
      action: 'deregister',
      status: 'done',
    });
    expect(report.lines.find((l) => l.id === old.imageId)).toMatchObject({
      action: 'deregister',
      status: 'done',
    });
    expect(report.sections.find((s) => s.title.startsWith('Failed'))?.lines.join()).toContain(failed.imageId);
  });

  it('keeps the newest available image when every image is past retention', async () => {
    const source = await h.instance();
    const images = [
      await h.pastImage(source, 60),
      await h.pastImage(source, 70),
      await h.pastImage(source, 80),
    ];
    const failedNewer = await h.pastImage(source, 50, { state: 'failed' });
    await h.run(h.at(), h.config({ retention: { count: 0, age: '7d' } }));
    expect(await h.imagesOf(source)).toEqual([images[0]!.imageId]);
    expect(await h.snapshotsOf(source)).toEqual(sorted(images[0]!.snapshotIds));
    expect(await h.imagesOf(source)).not.toContain(failedNewer.imageId);
  });

  it('reports a snapshot still in use, does not fail the run, and deletes it on a later run', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const old = await h.pastImage(source, 10);
    // Someone registered their own image from our snapshot: EC2 refuses DeleteSnapshot.
    const other = await h.instance();
    const theirs = await h.ec2.send(
      new CreateImageCommand({
        InstanceId: other,
        Name: `theirs-${other}`,
        NoReboot: true,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { SnapshotId: old.snapshotIds[0]! } }],
      }),
    );
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));
    expect(report.lines.find((l) => l.id === old.imageId)).toMatchObject({
      action: 'deregister',
      status: 'done',
    });
    const stuck = report.lines.find((l) => l.id === old.snapshotIds[0]);
    expect(stuck).toMatchObject({
      action: 'delete-snapshot',
      status: 'failed',
      code: 'InvalidSnapshot.InUse',
    });
    expect(stuck?.message).toMatch(/next run retries/);
    expect(report.lines.find((l) => l.id === newest.snapshotIds[0])).toBeUndefined();
    expect(await h.imagesOf(source)).toEqual([newest.imageId]);
    expect(await h.snapshotsOf(source)).toEqual(sorted(newest.snapshotIds, old.snapshotIds));

    await h.ec2.send(new DeregisterImageCommand({ ImageId: theirs.ImageId! }));
    const later = await h.run(h.at(HOUR), h.config({ retention: { count: 1 } }));
    expect(later.lines.find((l) => l.id === old.snapshotIds[0])).toMatchObject({ status: 'done' });
    expect(await h.snapshotsOf(source)).toEqual(sorted(newest.snapshotIds));
  });
});

describe('ami-bake images only what ec2ops manages', () => {
  it('skips a bake=nightly instance not tagged managed, and its policy would refuse imaging it', async () => {
    const theirs = await h.instance({ 'ec2ops:bake': 'nightly' }, { managed: false });
    const ours = await h.instance({ 'ec2ops:bake': 'nightly' });
    const report = await h.run(h.at(), h.config());
    expect(report.lines.find((l) => l.id === theirs)).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('not managed by ec2ops'),
    });
    expect(report.lines.find((l) => l.id === ours)).toMatchObject({ action: 'bake', status: 'done' });
    // The same job asking EC2 directly is refused by its IAM policy, and nothing is imaged.
    await expect(
      h.jobEc2().send(
        new CreateImageCommand({
          InstanceId: theirs,
          Name: `theirs-${theirs}`,
          NoReboot: true,
          TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(await h.imagesOf(theirs)).toEqual([]);
    expect(await h.imagesOf(ours)).toHaveLength(1);
  });
});

describe('ami-bake idempotency', () => {
  it('bakes one image per source however often it runs the same day', async () => {
    const a = await h.instance({ 'ec2ops:bake': 'nightly', Name: 'twice-a' });
    const b = await h.instance({ 'ec2ops:bake': 'nightly' });
    const first = await h.run(h.at(), h.config());
    const second = await h.run(h.at(3 * HOUR), h.config());
    expect(
      first.lines.filter((l) => l.action === 'bake' && [a, b].includes(l.id)).map((l) => l.status),
    ).toEqual(['done', 'done']);
    expect(second.lines.filter((l) => [a, b].includes(l.id)).map((l) => l.message)).toEqual([
      'already baked today',
      'already baked today',
    ]);
    expect((await h.imagesOf(a)).length).toBe(1);
    expect((await h.imagesOf(b)).length).toBe(1);
    // The next day it bakes again.
    await h.run(h.at(DAY), h.config());
    expect((await h.imagesOf(a)).length).toBe(2);
  });

  it('does not bake twice when two runs overlap (the second plan is applied after the first run)', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly' });
    const ctx: RegionContext = {
      region: 'us-east-1',
      ec2: h.ec2,
      config: h.config(),
      now: h.at(7 * DAY),
      dryRun: false,
      log: pino({ level: 'silent' }),
      notifier: undefined,
    };
    const late = await amiBake.plan(ctx);
    expect(late.items.find((i) => i.id === source)?.action).toBe('bake');
    await h.run(h.at(7 * DAY + HOUR));
    const results = await amiBake.apply(ctx, late);
    expect(results.find((r) => r.id === source)?.outcome).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^baked since the plan \(ami-/),
    });
    expect((await h.imagesOf(source)).length).toBe(1);
  });

  it('leaves nothing orphaned after a run interrupted between deregister and snapshot delete', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const old = await h.pastImage(source, 10);
    // The Lambda dies after DeregisterImage: every DeleteSnapshot of this run fails.
    h.failNext('DeleteSnapshot', 'RequestLimitExceeded', 10_000);
    const interrupted = await h.run(h.at(), h.config({ retention: { count: 1 } }));
    h.clearFaults();
    expect(interrupted.lines.find((l) => l.id === old.snapshotIds[0])?.status).toBe('failed');
    expect(await h.imagesOf(source)).toEqual([newest.imageId]);
    expect(await h.snapshotsOf(source)).toEqual(sorted(newest.snapshotIds, old.snapshotIds));

    const next = await h.run(h.at(2 * HOUR), h.config({ retention: { count: 1 } }));
    expect(next.lines.find((l) => l.id === old.snapshotIds[0])).toMatchObject({
      action: 'delete-snapshot',
      status: 'done',
    });
    expect(await h.snapshotsOf(source)).toEqual(sorted(newest.snapshotIds));
  });

  it('marks images that became available once, auto-approving them when configured', async () => {
    const source = await h.instance();
    const fresh = await h.pastImage(source, 0.5, { tags: { 'ec2ops:available-at': '' } });
    const report = await h.run(h.at(), h.config({ autoApprove: true }));
    expect(report.lines.find((l) => l.id === fresh.imageId && l.action === 'mark-available')?.status).toBe(
      'done',
    );
    expect(await tagsOf(fresh.imageId)).toMatchObject({
      'ec2ops:approved': 'true',
      'ec2ops:available-at': h.at().toISOString(),
    });
  });

  it('bakes only in bake.regions, a subset of the stage regions', async () => {
    const here = await h.instance({ 'ec2ops:bake': 'nightly' });
    const eu = h.client('eu-west-1');
    const image = (await eu.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!.ImageId!;
    const there = (
      await eu.send(
        new RunInstancesCommand({
          ImageId: image,
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'ec2ops:managed', Value: 'true' },
                { Key: 'ec2ops:bake', Value: 'nightly' },
              ],
            },
          ],
        }),
      )
    ).Instances![0]!.InstanceId!;
    const config = h.config({ regions: ['eu-west-1'] }, { regions: ['us-east-1', 'eu-west-1'] });
    const report = await h.run(h.at(5 * DAY), config);
    expect(report.lines.find((l) => l.id === there)).toMatchObject({
      region: 'eu-west-1',
      action: 'bake',
      status: 'done',
    });
    expect(report.lines.find((l) => l.id === here)).toBeUndefined();
    const euImages = await eu.send(
      new DescribeImagesCommand({
        Owners: ['self'],
        Filters: [{ Name: 'tag:ec2ops:source-instance', Values: [there] }],
      }),
    );
    expect(euImages.Images?.length).toBe(1);
  });

  it('starts nothing past the Lambda deadline and leaves it to the next run', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly' });
    const images = [await h.pastImage(source, 1), await h.pastImage(source, 2)];
    const report = await runJob('ami-bake', {
      ec2: () => h.ec2,
      config: h.config({ retention: { count: 1 } }),
      now: h.at(6 * DAY),
      dryRun: false,
      deadline: Date.now() - 1,
    });
    const mine = report.lines.filter((l) => l.id === source || l.id === images[1]!.imageId);
    expect(mine.map((l) => [l.action, l.status, l.message])).toEqual([
      ['bake', 'skipped', 'out of time in this run: the next run does it'],
      ['deregister', 'skipped', 'out of time in this run: the next run does it'],
    ]);
    expect(await h.imagesOf(source)).toEqual(sorted(images.map((i) => i.imageId)));
  });

  it('changes nothing on a dry run', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly' });
    const images = [await h.pastImage(source, 1), await h.pastImage(source, 2), await h.pastImage(source, 3)];
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }), true);
    expect(
      report.lines
        .filter((l) => l.status === 'planned')
        .map((l) => l.action)
        .sort(),
    ).toEqual(
      expect.arrayContaining(['bake', 'delete-snapshot', 'delete-snapshot', 'deregister', 'deregister']),
    );
    expect(report.money[0]?.label).toMatch(/up to/);
    expect(await h.imagesOf(source)).toEqual(sorted(images.map((i) => i.imageId)));
  });
});
