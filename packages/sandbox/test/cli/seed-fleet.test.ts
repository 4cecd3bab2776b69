import { DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { seedFleet } from '../../src/cli/seed-fleet';
import { subnets } from '../../src/ec2/model';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';

const REGION = 'us-east-1';
let emulator: Ec2Emulator | undefined;
let ec2: EC2Client | undefined;
afterEach(async () => {
  ec2?.destroy();
  await emulator?.close();
});

async function account() {
  emulator = await startEc2Emulator({ port: 0, delays: { instancePending: 0 }, log: () => {} });
  ec2 = new EC2Client({
    endpoint: emulator.url,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { emulator, ec2 };
}

/** Arranges default subnets that have only `room` addresses left each, as after other launches. */
function leaveRoomInDefaultSubnets(e: Ec2Emulator, room: number) {
  for (const subnet of subnets.in(e.store.region(REGION)).values()) {
    if (!subnet.defaultForAz) continue;
    const size = 2 ** (32 - Number(subnet.cidrBlock.split('/')[1]));
    subnet.nextHost = size - 1 - room;
  }
}

async function instancesBySubnet(client: EC2Client) {
  const out = await client.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }] }),
  );
  const bySubnet = new Map<string, number>();
  for (const r of out.Reservations ?? [])
    for (const i of r.Instances ?? []) bySubnet.set(i.SubnetId!, (bySubnet.get(i.SubnetId!) ?? 0) + 1);
  return bySubnet;
}

describe('seeding a fleet larger than one subnet', () => {
  it('spreads the launches over the default subnets instead of filling the first one', async () => {
    const { emulator, ec2 } = await account();
    leaveRoomInDefaultSubnets(emulator, 60);
    const summary = await seedFleet({ ec2, scale: 0.2, now: new Date(), runId: 'spread' });
    expect(summary.instances).toBe(100);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const defaults = Subnets.filter((s) => s.DefaultForAz).map((s) => s.SubnetId!);
    expect(Subnets).toHaveLength(defaults.length);
    const bySubnet = await instancesBySubnet(ec2);
    expect([...bySubnet.keys()].sort()).toEqual([...defaults].sort());
    expect([...bySubnet.values()].reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('adds a /20 subnet in the default VPC when the default subnets are full, and launches into it', async () => {
    const { emulator, ec2 } = await account();
    leaveRoomInDefaultSubnets(emulator, 30);
    const summary = await seedFleet({ ec2, scale: 0.1, now: new Date(), runId: 'grow' });
    expect(summary.instances).toBe(50);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const added = Subnets.filter((s) => !s.DefaultForAz);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      VpcId: Subnets.find((s) => s.DefaultForAz)?.VpcId,
      Tags: [{ Key: 'ec2ops:managed', Value: 'true' }],
    });
    expect(added[0]!.CidrBlock).toMatch(/\/20$/);
    expect(Object.fromEntries(await instancesBySubnet(ec2))).toEqual({ [added[0]!.SubnetId!]: 50 });
  });
});
