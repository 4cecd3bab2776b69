import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateTagsCommand,
  DeregisterImageCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  ReleaseAddressCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFleet } from '../../src/cli/seed-fleet';
import { ACCOUNT_KINDS, type AccountDelta, applyDelta, rowKey } from '../../src/console/account-delta';
import type { AccountView } from '../../src/console/types';
import { Clock } from '../../src/ec2/clock';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { AccountFeed } from '../../src/runner/account-feed';
import { AccountIndex } from '../../src/runner/account-index';
import { readAccountView } from '../../src/runner/account-view';
import { seedAccount } from '../../src/runner/seed-account';
import { accessGroupTags, regionClients, viewOptions } from './account-fixture';

/**
 * The console's in-memory account index against the same account read through the EC2 API:
 * after every kind of change, the index's view (and the deltas applied to a page's copy) equal
 * a fresh read, and a change costs only the rows it touched.
 */
const regions = ['us-east-1', 'eu-west-1'];
let ec2: Ec2Emulator;
let clock: Clock;
const clients = regionClients(() => ec2.url);
const client = clients.client;
const common = () => viewOptions(regions, () => clock.now());
let index: AccountIndex;
let feed: AccountFeed;
/** What a page holds: the first whole view, then every delta the feed sent, applied in order. */
let page: { version: number; view: AccountView };
const deltas: AccountDelta[] = [];

/** Rows by key, without the fields that move with the clock alone (the page derives them). */
function normal(view: AccountView) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const kind of ACCOUNT_KINDS) {
    const rows = (view[kind] as object[]).map((row) => {
      const { timeLeftMs: _t, idleMs: _i, idleCostUsd: _c, ...rest } = row as Record<string, unknown>;
      // Which instances use an image is a set: its order is not the page's concern.
      if (Array.isArray(rest['usedBy'])) rest['usedBy'] = [...rest['usedBy']].sort();
      return [rowKey(kind, row as never), rest] as const;
    });
    out[kind] = Object.fromEntries(rows);
    expect(Object.keys(out[kind]!).length).toBe(rows.length);
  }
  return out;
}

const throughApi = () =>
  readAccountView({ ...common(), ec2: client, accounts: [{ label: 'hub', ec2: client, regions }] });

/** Transitions that have come due run first, as the sandbox's console asks every second. */
const settle = () => {
  for (const region of ec2.store.regions()) ec2.store.advance(region);
};

/** Takes the changes in, then checks the index and the page's copy against a read through the API. */
async function followAndCheck(): Promise<AccountDelta[]> {
  const before = deltas.length;
  settle();
  feed.refresh();
  const sent = deltas.slice(before);
  for (const d of sent) {
    expect(d.from).toBe(page.version);
    page = { version: d.version, view: applyDelta(page.view, d) };
  }
  const truth = normal(await throughApi());
  expect(normal(index.view())).toEqual(truth);
  expect(normal(page.view)).toEqual(truth);
  return sent;
}

const upserted = (d: AccountDelta[]) =>
  Object.fromEntries(
    ACCOUNT_KINDS.map((kind) => [kind, d.flatMap((x) => (x.upsert[kind] ?? []) as object[]).length]),
  );

async function runningInstances(): Promise<string[]> {
  const out = await client('us-east-1').send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}

beforeAll(async () => {
  clock = new Clock();
  ec2 = await startEc2Emulator({
    clock,
    // Every transition at once, so nothing comes due on its own between two checks.
    delays: {
      instancePending: 0,
      instanceStopping: 0,
      instanceShuttingDown: 0,
      imagePending: 0,
      snapshotPending: 0,
      volumeCreating: 0,
    },
    log: () => {},
  });
  index = new AccountIndex({ ...common(), accounts: [{ label: 'hub', store: ec2.store, regions }] });
  feed = new AccountFeed(index);
  feed.onDelta((d) => deltas.push(d));
  await seedAccount({ ec2: client, regions, tagPrefix: 'ec2ops:', now: () => clock.now(), accessGroupTags });
  await seedFleet({ ec2: client('us-east-1'), scale: 0.05, now: new Date(clock.now()), runId: 'index' });
  settle();
  page = feed.current();
});

afterAll(async () => {
  clients.destroy();
  await ec2.close();
});

describe('the console account index', () => {
  it('starts equal to the account read through the EC2 API', async () => {
    expect(page.view.instances.length).toBeGreaterThan(25);
    expect(normal(page.view)).toEqual(normal(await throughApi()));
  });

  it('sends nothing when nothing changed, and a rename as that one row', async () => {
    expect(await followAndCheck()).toEqual([]);
    const [id] = await runningInstances();
    await client('us-east-1').send(
      new CreateTagsCommand({ Resources: [id!], Tags: [{ Key: 'Name', Value: '<b>renamed</b>' }] }),
    );
    const sent = await followAndCheck();
    expect(sent).toHaveLength(1);
    expect(upserted(sent)).toEqual({ instances: 1, images: 0, groups: 0, rules: 0, addresses: 0 });
    expect(sent[0]!.upsert.instances?.[0]).toMatchObject({ id, name: '<b>renamed</b>' });
  });

  it('takes in simultaneous identical and conflicting changes as one delta of the rows they touched', async () => {
    const ids = (await runningInstances()).slice(1, 11);
    const tag = (value: string, resources: string[]) =>
      client('us-east-1').send(
        new CreateTagsCommand({ Resources: resources, Tags: [{ Key: 'Name', Value: value }] }),
      );
    await Promise.all([
      ...ids.map((id, i) => tag(`n-${i}`, [id])),
      // The same request five times, and two that disagree about one instance.
      ...Array.from({ length: 5 }, () => tag('same', [ids[0]!])),
      tag('left', [ids[1]!]),
      tag('right', [ids[1]!]),
    ]);
    const sent = await followAndCheck();
    expect(sent).toHaveLength(1);
    expect(upserted(sent).instances).toBe(10);
    expect(new Set(sent[0]!.upsert.instances!.map((r) => r.id))).toEqual(new Set(ids));
  });

  it('follows stops, terminations, images baked and deregistered, rules, groups and addresses', async () => {
    const e = client('us-east-1');
    const [a, b, c] = (await runningInstances()).slice(20, 23);
    await e.send(new StopInstancesCommand({ InstanceIds: [a!] }));
    await e.send(new TerminateInstancesCommand({ InstanceIds: [b!] }));
    await followAndCheck();

    const { ImageId } = await e.send(
      new CreateImageCommand({ InstanceId: c!, Name: 'index-bake', NoReboot: true }),
    );
    await e.send(
      new CreateTagsCommand({ Resources: [ImageId!], Tags: [{ Key: 'ec2ops:source-instance', Value: c! }] }),
    );
    expect(upserted(await followAndCheck()).images).toBeGreaterThan(0);
    await e.send(new DeregisterImageCommand({ ImageId: ImageId! }));
    const removed = await followAndCheck();
    expect(removed.flatMap((d) => d.remove.images ?? [])).toEqual([`hub/us-east-1/${ImageId}/`]);

    const { SecurityGroups } = await e.send(new DescribeSecurityGroupsCommand({}));
    const group = SecurityGroups!.find((g) => g.GroupName !== 'default')!;
    await e.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId!,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '192.0.2.7/32' }] },
        ],
      }),
    );
    expect(upserted(await followAndCheck()).rules).toBe(1);
    await e.send(
      new CreateTagsCommand({
        Resources: [group.GroupId!],
        Tags: [{ Key: 'ec2ops:access-group', Value: 'true' }],
      }),
    );
    await followAndCheck();

    const { AllocationId } = await e.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await followAndCheck();
    await e.send(new AssociateAddressCommand({ AllocationId: AllocationId!, InstanceId: c! }));
    const associated = await followAndCheck();
    expect(upserted(associated).addresses).toBe(1);
    await e.send(new ReleaseAddressCommand({ AllocationId: AllocationId! }));
    await followAndCheck();
  });

  it('reads a store whole after a change it could not follow record by record (a reset)', async () => {
    const before = deltas.length;
    ec2.store.reset();
    const sent = await followAndCheck();
    expect(deltas.length).toBe(before + 1);
    expect(sent[0]!.remove.instances?.length).toBeGreaterThan(25);
  });
});
