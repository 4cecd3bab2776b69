import {
  CreateImageCommand,
  DescribeImagesCommand,
  type EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { JobReport } from '@ec2ops/core/jobs';
import type { Fleet } from '@ec2ops/functions/accounts/clients';
import { amiBake } from '@ec2ops/functions/jobs/ami-bake';
import { runJobWith } from '@ec2ops/functions/jobs/run';
import { instances } from '@ec2ops/sandbox/ec2/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV, type FleetWorld, fleetConfig, PROD, startFleetWorld } from './world';

/**
 * Issue 16, "in use, completely": when the stage targets several accounts, an image of one
 * account that an instance of another account was launched from is in use. dev's bake shard
 * reads prod's instances through prod's member role (IAM enforced in both accounts).
 */
const DAY = 86_400_000;
const REGION = 'us-east-1';
const P = 'ec2ops:';

let world: FleetWorld;
let fleet: Fleet;
let now: Date;
const config = fleetConfig({ bake: { retention: { count: 1 } } });

beforeEach(async () => {
  world = await startFleetWorld(config);
  const clock = (await (await fetch(`${world.emulator.url}/_emulator/clock`)).json()) as { now: string };
  now = new Date(clock.now);
  fleet = world.fleetAs('ami-bake', { now: () => now });
});
afterEach(async () => {
  fleet?.destroy();
  await world?.close();
});

async function publicImage(ec2: EC2Client): Promise<string> {
  const out = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  return out.Images![0]!.ImageId!;
}

async function instance(ec2: EC2Client, imageId: string, tags: Record<string, string> = {}) {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return out.Instances![0]!.InstanceId!;
}

/** An image an earlier bake left in dev, `daysAgo` old and available. */
async function pastImage(ec2: EC2Client, source: string, daysAgo: number): Promise<string> {
  const at = now.getTime() - daysAgo * DAY;
  const tags = {
    [`${P}managed`]: 'true',
    [`${P}source-instance`]: source,
    [`${P}baked-at`]: new Date(at).toISOString(),
    [`${P}available-at`]: new Date(at + 600_000).toISOString(),
  };
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2.send(
    new CreateImageCommand({
      InstanceId: source,
      Name: `past-${daysAgo}d`,
      NoReboot: true,
      TagSpecifications: [
        { ResourceType: 'image', Tags: list },
        { ResourceType: 'snapshot', Tags: list },
      ],
    }),
  );
  const res = await fetch(`${world.emulator.url}/_emulator/images/${out.ImageId}/state?account=${DEV}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'available' }),
  });
  if (!res.ok) throw new Error(`could not make the image available: ${await res.text()}`);
  return out.ImageId!;
}

/**
 * prod launched dev's shared image. The emulator keeps each account's images apart and does not
 * launch across accounts, so the test launches from a public image and records dev's image as
 * the one the instance came from, which is what EC2 shows for a launch from a shared image.
 */
async function launchedInProdFrom(imageId: string): Promise<string> {
  const prod = await world.admin(PROD, REGION);
  const id = await instance(prod, await publicImage(prod));
  const record = instances.in(world.emulator.accounts.find(PROD)!.store.region(REGION)).get(id)!;
  record.imageId = imageId;
  return id;
}

async function bakeInDev(): Promise<JobReport> {
  const dev = (await fleet.targets.all()).find((t) => t.id === DEV)!;
  const ec2 = fleet.clientsFor({ target: dev, region: REGION });
  return runJobWith(amiBake, { ec2: () => ec2, fleet, config, now, dryRun: false, regions: [REGION] });
}

async function devImages(dev: EC2Client, source: string): Promise<string[]> {
  const out = await dev.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: `tag:${P}source-instance`, Values: [source] }],
    }),
  );
  return (out.Images ?? []).map((i) => i.ImageId!).sort();
}

describe("ami-bake and the fleet's other accounts", () => {
  it('keeps an image an instance of another target account uses, naming that account and instance', async () => {
    const dev = await world.admin(DEV, REGION);
    const source = await instance(dev, await publicImage(dev), { [`${P}managed`]: 'true' });
    const newest = await pastImage(dev, source, 1);
    const used = await pastImage(dev, source, 5);
    const unused = await pastImage(dev, source, 6);
    const prodInstance = await launchedInProdFrom(used);

    const report = await bakeInDev();

    expect(report.counts.failed).toBe(0);
    expect(await devImages(dev, source)).toEqual([newest, used].sort());
    expect(await devImages(dev, source)).not.toContain(unused);
    expect(JSON.stringify(report)).toContain(`instance ${prodInstance} (running) in account prod (${PROD})`);
    expect(world.denials()).toEqual([]);
  });

  it('removes nothing another account might use when that account cannot be read, and says why', async () => {
    const dev = await world.admin(DEV, REGION);
    const source = await instance(dev, await publicImage(dev), { [`${P}managed`]: 'true' });
    const newest = await pastImage(dev, source, 1);
    const old = await pastImage(dev, source, 5);
    await world.breakRole(PROD);

    const report = await bakeInDev();

    expect(await devImages(dev, source)).toEqual([newest, old].sort());
    expect(JSON.stringify(report)).toContain(`account prod (${PROD}) (could not be read)`);
  });
});
