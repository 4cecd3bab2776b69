import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/console/types';
import { Clock } from '../../src/ec2/clock';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { readAccountView } from '../../src/runner/account-view';
import { seedAccount } from '../../src/runner/seed-account';
import { accessGroupTags, regionClients, viewOptions } from './account-fixture';

let ec2: Ec2Emulator;
let clock: Clock;
let view: AccountView;
const clients = regionClients(() => ec2.url);
const client = clients.client;
const read = () =>
  readAccountView({ ...viewOptions(['us-east-1', 'eu-west-1'], () => clock.now()), ec2: client });

beforeAll(async () => {
  clock = new Clock();
  ec2 = await startEc2Emulator({
    clock,
    delays: { instancePending: 0, imagePending: 0, snapshotPending: 0, volumeCreating: 0 },
    log: () => {},
  });
  await seedAccount({
    ec2: client,
    regions: ['us-east-1', 'eu-west-1'],
    tagPrefix: 'ec2ops:',
    now: () => clock.now(),
    accessGroupTags,
  });
  view = await read();
});

afterAll(async () => {
  clients.destroy();
  await ec2.close();
});

describe('the seeded sandbox account, as the console reads it', () => {
  it('has approved images, in use by the instances launched from them', () => {
    const approved = view.images.filter((i) => i.approved && i.source === 'registered');
    expect(approved.map((i) => i.name).sort()).toEqual(['golden-al2023-web', 'golden-ubuntu-2404']);
    expect(approved.every((i) => i.state === 'available' && i.usedBy.length > 0)).toBe(true);
    expect(view.images.filter((i) => !i.approved).map((i) => i.name)).toEqual(['legacy-app-2023']);
  });

  it('shows the public image each launch alias names today, approved, in every region', () => {
    const aliased = view.images.filter((i) => i.source === 'alias');
    expect(aliased.map((i) => `${i.region}:${i.alias}`).sort()).toEqual([
      'eu-west-1:al2023',
      'us-east-1:al2023',
    ]);
    expect(aliased.every((i) => i.approved && i.name.startsWith('al2023-ami-2023.'))).toBe(true);
    const legacy = view.instances.find((i) => i.name === 'legacy-db');
    expect(aliased.find((i) => i.region === 'us-east-1')?.usedBy).toContain(legacy?.id);
  });

  it('has running managed instances baked nightly in both regions, some about to expire, one unmanaged', () => {
    const live = view.instances.filter((i) => i.state === 'running');
    expect(
      live
        .filter((i) => i.bake)
        .map((i) => `${i.region}/${i.name}`)
        .sort(),
    ).toEqual(['eu-west-1/web-eu-1', 'us-east-1/api-1', 'us-east-1/web-1']);
    const expiring = live.filter((i) => i.timeLeftMs !== undefined);
    expect(expiring.map((i) => i.name).sort()).toEqual(['ci-runner', 'scratch-omar']);
    expect(expiring.every((i) => i.owner === 'UOPERATOR' && (i.timeLeftMs ?? 0) > 0)).toBe(true);
    expect(live.find((i) => i.name === 'legacy-db')).toMatchObject({ managed: false, bake: false });
  });

  it('has security groups for on-request access, one with a temporary rule that expires', () => {
    expect(
      view.groups
        .filter((g) => g.onRequest)
        .map((g) => g.name)
        .sort(),
    ).toEqual(['ssh-on-request', 'web-on-request']);
    const temporary = view.rules.filter((r) => r.temporary);
    expect(temporary).toHaveLength(1);
    expect(temporary[0]).toMatchObject({
      groupName: 'ssh-on-request',
      protocol: 'tcp',
      ports: '22',
      source: '203.0.113.10/32',
      owner: 'UOPERATOR',
    });
    expect(temporary[0]?.timeLeftMs).toBeGreaterThan(40 * 60_000);
    expect(view.rules.find((r) => r.groupName === 'web-on-request')).toMatchObject({
      ports: '443',
      source: '0.0.0.0/0',
      temporary: false,
    });
  });

  it('has Elastic IPs associated, idle and marked (priced), idle and new, and kept', () => {
    expect(view.addresses).toHaveLength(4);
    expect(view.addresses.filter((a) => a.instanceId)).toHaveLength(1);
    const marked = view.addresses.find((a) => a.idleSince);
    expect(marked?.idleMs).toBeGreaterThanOrEqual(6 * 86_400_000);
    expect(marked?.idleCostUsd).toBeCloseTo(((marked?.idleMs ?? 0) / 3_600_000) * 0.005, 6);
    expect(view.addresses.filter((a) => a.keep)).toHaveLength(1);
  });

  it('has an instance in a VPC without an internet gateway, which cannot take an Elastic IP', async () => {
    const us = client('us-east-1');
    const { Reservations } = await us.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['isolated-worker'] }] }),
    );
    const box = Reservations![0]!.Instances![0]!;
    expect(box.PublicIpAddress).toBeUndefined();
    const gateways = await us.send(
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [box.VpcId!] }] }),
    );
    expect(gateways.InternetGateways).toEqual([]);
    const { AllocationId } = await us.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await expect(
      us.send(new AssociateAddressCommand({ AllocationId, InstanceId: box.InstanceId })),
    ).rejects.toMatchObject({ name: 'Gateway.NotAttached' });
    await us.send(new ReleaseAddressCommand({ AllocationId }));
  });

  it('counts time left from the sandbox clock', async () => {
    clock.advance(3 * 3_600_000);
    const later = await read();
    const scratch = later.instances.find((i) => i.name === 'scratch-omar');
    expect(scratch?.timeLeftMs).toBeLessThan(0);
    expect(later.rules.find((r) => r.temporary)?.timeLeftMs).toBeLessThan(0);
  });
});
