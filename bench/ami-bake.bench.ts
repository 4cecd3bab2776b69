/**
 * ami-bake at scale: 200 source instances with 30 managed images each (6,000 images and 6,000
 * snapshots) in one region, planned against the EC2 emulator. Reports the time to describe and
 * to plan (the pure planner alone), and the EC2 calls by action (the emulator's request counters,
 * checked against an SDK middleware's); then shows that calls grow
 * with sources and images (100×30, 200×15) and not with unrelated resources (the same 200×30
 * plus 2,000 unrelated instances and 2,000 unmanaged images gives the same calls).
 */
import { CreateTagsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import { bakeTagKeys, planAmiBake } from '@ec2ops/core/jobs';
import { countCalls, newCallCounter } from '@ec2ops/functions/ec2/call-counter';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { observeRegion } from '@ec2ops/functions/ec2/images';
import { ID_KINDS, newId } from '@ec2ops/sandbox/ec2/ids';
import { type ImageRecord, images, type SnapshotRecord, snapshots } from '@ec2ops/sandbox/ec2/model';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';

const REGION = 'us-east-1';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T03:00:00.000Z');

export interface ScenarioResult {
  sources: number;
  imagesPerSource: number;
  unrelatedInstances: number;
  unrelatedImages: number;
  describeMs: number;
  planMs: number;
  calls: Record<string, number>;
  callTotal: number;
  planned: { bake: number; deregister: number; deleteSnapshot: number; markAvailable: number; kept: number };
}

export interface AmiBakeBenchResult {
  name: string;
  ok: boolean;
  scenarios: ScenarioResult[];
  /** True when the unrelated resources changed no call count. */
  unrelatedFree: boolean;
  /** True when fewer sources or fewer images per source made fewer calls. */
  growsWithSourcesAndImages: boolean;
}

async function runInstances(
  ec2: ReturnType<ReturnType<typeof ec2ClientsByRegion>>,
  count: number,
  tags: Record<string, string>,
) {
  const ids: string[] = [];
  for (let left = count; left > 0; left -= 1000) {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: await publicImage(ec2),
        MinCount: Math.min(1000, left),
        MaxCount: Math.min(1000, left),
        InstanceType: 't3.micro',
        TagSpecifications: [
          { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        ],
      }),
    );
    ids.push(...(out.Instances ?? []).map((i) => i.InstanceId!));
  }
  return ids;
}

let publicImageId: string | undefined;
async function publicImage(ec2: ReturnType<ReturnType<typeof ec2ClientsByRegion>>): Promise<string> {
  if (!publicImageId) {
    const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
    const out = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    publicImageId = out.Images![0]!.ImageId!;
  }
  return publicImageId;
}

export async function scenario(
  sources: number,
  imagesPerSource: number,
  unrelated: { instances: number; images: number } = { instances: 0, images: 0 },
): Promise<ScenarioResult> {
  publicImageId = undefined;
  const emulator = await startEc2Emulator({ delays: { instancePending: 0 }, log: () => {} });
  try {
    const clients = ec2ClientsByRegion({
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' },
    });
    const setup = clients(REGION);
    const keys = bakeTagKeys('ec2ops:');
    const targets = await runInstances(setup, sources, { [keys.bake]: 'nightly' });
    if (unrelated.instances) await runInstances(setup, unrelated.instances, { team: 'unrelated' });

    // Earlier bakes, written straight into the emulator's store: a CreateImage per image would
    // only measure the seeding.
    const state = emulator.store.region(REGION);
    const account = emulator.store.accountId;
    const add = (name: string, tags: Record<string, string>, bakedAt: number) => {
      const snapshot: SnapshotRecord = {
        id: newId(ID_KINDS.snapshot),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        volumeId: 'vol-ffffffff',
        volumeSize: 8,
        ownerId: account,
        isPublic: false,
        state: 'completed',
        startTime: bakedAt,
        stateSince: bakedAt,
        description: 'bench',
        encrypted: false,
      };
      const image: ImageRecord = {
        id: newId(ID_KINDS.image),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        name,
        ownerId: account,
        isPublic: false,
        state: 'available',
        stateSince: bakedAt,
        architecture: 'x86_64',
        creationDate: bakedAt,
        rootDeviceName: '/dev/xvda',
        blockDevices: [
          {
            deviceName: '/dev/xvda',
            snapshotId: snapshot.id,
            volumeSize: 8,
            volumeType: 'gp3',
            deleteOnTermination: true,
            encrypted: false,
          },
        ],
        platformDetails: 'Linux/UNIX',
        imageLocation: `${account}/${name}`,
        enaSupport: true,
      };
      snapshots.in(state).set(snapshot.id, snapshot);
      images.in(state).set(image.id, image);
    };
    for (const [s, source] of targets.entries()) {
      for (let i = 0; i < imagesPerSource; i++) {
        const bakedAt = NOW - (i + 1) * DAY;
        add(
          `src${s}-${i}`,
          {
            [keys.managed]: 'true',
            [keys.sourceInstance]: source,
            [keys.bakedAt]: new Date(bakedAt).toISOString(),
            [keys.availableAt]: new Date(bakedAt + 600_000).toISOString(),
          },
          bakedAt,
        );
      }
    }
    for (let i = 0; i < unrelated.images; i++) add(`unrelated-${i}`, { team: 'unrelated' }, NOW - DAY);
    // Touch the store so the emulator's change tracking sees the direct writes.
    await setup.send(
      new CreateTagsCommand({ Resources: [targets[0]!], Tags: [{ Key: 'bench', Value: 'yes' }] }),
    );

    // Count on both sides: the emulator's own request counters (GET /_emulator/stats), reset
    // after seeding, and an SDK middleware; they must agree.
    await fetch(`${emulator.url}/_emulator/stats`, { method: 'DELETE' });
    const counter = newCallCounter();
    const ec2 = clients(REGION);
    countCalls(ec2, counter);
    const config = parseStageConfig({ stage: 'bench', regions: [REGION], bake: { retention: { count: 7 } } });
    const t0 = performance.now();
    const observation = await observeRegion(ec2, REGION, keys, config.bake.concurrency);
    const t1 = performance.now();
    const plan = planAmiBake({
      observation,
      now: NOW,
      stage: 'bench',
      tagPrefix: 'ec2ops:',
      bake: config.bake,
      timeZone: 'UTC',
    });
    const t2 = performance.now();
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as {
      actions: Record<string, { requests: number }>;
    };
    const served = Object.fromEntries(Object.entries(stats.actions).map(([name, a]) => [name, a.requests]));
    if (JSON.stringify(served) !== JSON.stringify(Object.fromEntries(Object.entries(counter.calls).sort()))) {
      throw new Error(
        `the emulator served ${JSON.stringify(served)} but the SDK sent ${JSON.stringify(counter.calls)}`,
      );
    }
    const count = (action: string) => plan.items.filter((i) => i.action === action).length;
    return {
      sources,
      imagesPerSource,
      unrelatedInstances: unrelated.instances,
      unrelatedImages: unrelated.images,
      describeMs: Math.round(t1 - t0),
      planMs: Math.round((t2 - t1) * 10) / 10,
      calls: served,
      callTotal: counter.total(),
      planned: {
        bake: count('bake'),
        deregister: count('deregister'),
        deleteSnapshot: count('delete-snapshot'),
        markAvailable: count('mark-available'),
        kept: plan.skipped.length,
      },
    };
  } finally {
    await emulator.close();
  }
}

export async function run(): Promise<AmiBakeBenchResult> {
  const full = await scenario(200, 30);
  const withUnrelated = await scenario(200, 30, { instances: 2000, images: 2000 });
  const fewerSources = await scenario(100, 30);
  const fewerImages = await scenario(200, 15);
  const unrelatedFree = JSON.stringify(full.calls) === JSON.stringify(withUnrelated.calls);
  const growsWithSourcesAndImages =
    fewerSources.callTotal < full.callTotal && fewerImages.callTotal < full.callTotal;
  return {
    name: 'ami-bake: 200 sources × 30 images',
    ok: unrelatedFree && growsWithSourcesAndImages && full.planned.deregister === 200 * 23,
    scenarios: [full, withUnrelated, fewerSources, fewerImages],
    unrelatedFree,
    growsWithSourcesAndImages,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((result) => {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = result.ok ? 0 : 1;
  });
}
