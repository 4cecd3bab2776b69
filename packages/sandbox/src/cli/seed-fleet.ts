import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  DescribeImagesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  RunInstancesCommand,
  type Tag,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import { cidrsOverlap, formatIp, parseCidr } from '../ec2/ip';

/** A fleet at scale 1×; `--scale N` multiplies every count. */
export const FLEET_AT_SCALE_1 = { instances: 500, addresses: 300, images: 200, groups: 100 };

export interface SeedFleetOptions {
  ec2: EC2Client;
  scale: number;
  /** The instant the fleet's expiries and idle marks are relative to (the sandbox's clock). */
  now: Date;
  tagPrefix?: string;
  /** Distinguishes names and client tokens between seedings of the same account. */
  runId?: string;
}

export interface FleetSummary {
  instances: number;
  addresses: number;
  images: number;
  groups: number;
  calls: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Instances per RunInstances call, well under EC2's per-request maximum. */
const INSTANCES_PER_CALL = 50;
/** Calls in flight at once: EC2's buckets refill at a few per second for mutating actions. */
const PARALLEL = 8;
const OWNERS = ['UOPERATOR', 'UADMIN', 'UVIEWER'];
const CALL_COUNTER = 'ec2ops-seed-call-counter';

/** Runs `work` for each item, at most PARALLEL at a time, results in order. */
async function inBatches<T, R>(items: T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PARALLEL) {
    const batch = items.slice(start, start + PARALLEL);
    results.push(...(await Promise.all(batch.map((item, i) => work(item, start + i)))));
  }
  return results;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Seeds a fleet through the EC2 API, as any client would, with the work the jobs find in a real
 * account: instances past their expiry (the reaper), baked nightly (ami-bake), images per source
 * (retention), temporary port rules past their expiry (port-sweep), idle Elastic IPs marked long
 * ago or not yet (eip-cleanup), some associated and some kept.
 */
export async function seedFleet(o: SeedFleetOptions): Promise<FleetSummary> {
  const p = o.tagPrefix ?? 'ec2ops:';
  const tag = (key: string, value: string): Tag => ({ Key: `${p}${key}`, Value: value });
  const at = (offsetMs: number) => new Date(o.now.getTime() + offsetMs).toISOString();
  const count = (n: number) => Math.round(n * o.scale);
  // Every call counted once however often the SDK retries it, the waiter's polls included.
  let calls = 0;
  o.ec2.middlewareStack.add(
    (next) => (args) => {
      calls += 1;
      return next(args);
    },
    { step: 'initialize', name: CALL_COUNTER },
  );
  try {
    return { ...(await seed(o, tag, at, count)), calls };
  } finally {
    o.ec2.middlewareStack.remove(CALL_COUNTER);
  }
}

async function seed(
  o: SeedFleetOptions,
  tag: (key: string, value: string) => Tag,
  at: (offsetMs: number) => string,
  count: (n: number) => number,
): Promise<Omit<FleetSummary, 'calls'>> {
  const run = o.runId ?? o.now.getTime().toString(36);
  const managed = tag('managed', 'true');
  const send = o.ec2.send.bind(o.ec2);

  const { Images } = await send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
    }),
  );
  const baseImage = Images?.find((image) => image.ImageId)?.ImageId;
  if (!baseImage) throw new Error('seeding: the account offers no public x86_64 image to launch from');

  // Security groups, every other one with a temporary rule: a quarter already expired.
  const groups = await inBatches(range(count(FLEET_AT_SCALE_1.groups)), async (i) => {
    const { GroupId } = await send(
      new CreateSecurityGroupCommand({
        GroupName: `fleet-${run}-sg-${i}`,
        Description: 'seeded fleet',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [managed] }],
      }),
    );
    if (!GroupId) throw new Error('seeding: CreateSecurityGroup gave no id');
    if (i % 2 === 0) {
      await send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: `198.51.100.${i % 250}/32`, Description: 'seeded, via /ec2 open' }],
            },
          ],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [
                managed,
                tag('owner', OWNERS[i % 3]!),
                tag('expires-at', at(i % 4 === 0 ? -HOUR : 6 * HOUR)),
              ],
            },
          ],
        }),
      );
    }
    return GroupId;
  });

  // Instances in calls of INSTANCES_PER_CALL: 40 % past their expiry, 20 % baked nightly.
  const total = count(FLEET_AT_SCALE_1.instances);
  const launches = range(Math.ceil(total / INSTANCES_PER_CALL)).map((call) =>
    Math.min(INSTANCES_PER_CALL, total - call * INSTANCES_PER_CALL),
  );
  const subnetOf = await subnetsFor(send, launches, tag);
  const instanceIds = (
    await inBatches(launches, async (n, call) => {
      const kind = call % 5;
      const tags = [
        { Key: 'Name', Value: `fleet-${run}-${call}` },
        managed,
        tag('owner', OWNERS[call % 3]!),
        ...(kind < 2 ? [tag('expires-at', at(-(call + 1) * HOUR))] : []),
        ...(kind === 2 ? [tag('bake', 'nightly')] : []),
      ];
      const { Instances } = await send(
        new RunInstancesCommand({
          ImageId: baseImage,
          InstanceType: 't3.micro',
          MinCount: n,
          MaxCount: n,
          ClientToken: `fleet-${run}-${call}`,
          SubnetId: subnetOf[call],
          ...(groups.length > 0 ? { SecurityGroupIds: [groups[call % groups.length]!] } : {}),
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
        }),
      );
      return (Instances ?? []).flatMap((instance) => (instance.InstanceId ? [instance.InstanceId] : []));
    })
  ).flat();
  // Images and associations need running instances; the SDK's waiter polls for them.
  for (let start = 0; start < instanceIds.length; start += 100) {
    const ids = instanceIds.slice(start, start + 100);
    await waitUntilInstanceRunning(
      { client: o.ec2, maxWaitTime: 300, minDelay: 1, maxDelay: 5 },
      { InstanceIds: ids },
    );
  }

  // Images, a few per source instance, so retention has something to keep and to drop.
  const images = await inBatches(range(count(FLEET_AT_SCALE_1.images)), async (i) => {
    const source = instanceIds[Math.floor(i / 4) % instanceIds.length]!;
    const { ImageId } = await send(
      new CreateImageCommand({
        InstanceId: source,
        Name: `fleet-${run}-image-${i}`,
        NoReboot: true,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              managed,
              tag('source-instance', source),
              ...(i % 10 === 0 ? [tag('approved', 'true')] : []),
            ],
          },
        ],
      }),
    );
    return ImageId;
  });

  // Elastic IPs: a third associated, a third idle for eight days, the rest idle since an hour;
  // every tenth kept.
  const addresses = await inBatches(range(count(FLEET_AT_SCALE_1.addresses)), async (i) => {
    const kind = i % 3;
    const { AllocationId } = await send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        TagSpecifications: [
          {
            ResourceType: 'elastic-ip',
            Tags: [
              managed,
              ...(kind === 1 ? [tag('idle-since', at(-8 * DAY))] : []),
              ...(kind === 2 ? [tag('idle-since', at(-HOUR))] : []),
              ...(i % 10 === 0 ? [tag('keep', 'true')] : []),
            ],
          },
        ],
      }),
    );
    if (kind === 0 && AllocationId && instanceIds.length > 0) {
      await send(
        new AssociateAddressCommand({ AllocationId, InstanceId: instanceIds[i % instanceIds.length]! }),
      );
    }
    return AllocationId;
  });

  return {
    instances: instanceIds.length,
    addresses: addresses.length,
    images: images.length,
    groups: groups.length,
  };
}

/** The addresses a subnet has left for instances, as DescribeSubnets counts them. */
interface SubnetRoom {
  id: string;
  free: number;
}

/** Addresses per subnet the seeder adds when the default subnets are full: a /20, as EC2's own. */
const ADDED_SUBNET_PREFIX = 20;

/**
 * The subnet each launch call goes to. One default subnet (a /20, 4,091 addresses) cannot hold a
 * fleet at 10×, and EC2 puts every launch without a subnet into the same one: the calls fill the
 * default VPC's default subnets in turn, and when those have too little room the seeder adds
 * /20 subnets in the free space of the default VPC's CIDR, round the zones, as an operator would.
 */
async function subnetsFor(
  send: EC2Client['send'],
  launches: number[],
  tag: (key: string, value: string) => Tag,
): Promise<string[]> {
  const { Vpcs } = await send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
  );
  const vpc = Vpcs?.[0];
  if (!vpc?.VpcId || !vpc.CidrBlock) throw new Error('seeding: the region has no default VPC to launch into');
  const { Subnets = [] } = await send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId] }] }),
  );
  const rooms: SubnetRoom[] = Subnets.filter((s) => s.DefaultForAz && s.SubnetId).map((s) => ({
    id: s.SubnetId!,
    free: s.AvailableIpAddressCount ?? 0,
  }));
  const zones = [
    ...new Set(Subnets.flatMap((s) => (s.DefaultForAz && s.AvailabilityZone ? [s.AvailabilityZone] : []))),
  ];
  const taken = Subnets.flatMap((s) => (s.CidrBlock ? [s.CidrBlock] : []));
  const spare = freeBlocks(vpc.CidrBlock, taken, ADDED_SUBNET_PREFIX);
  const addSubnet = async (): Promise<SubnetRoom> => {
    const cidr = spare.shift();
    if (!cidr) throw new Error(`seeding: the default VPC ${vpc.VpcId} has no room left for another subnet`);
    const { Subnet } = await send(
      new CreateSubnetCommand({
        VpcId: vpc.VpcId,
        CidrBlock: cidr,
        ...(zones.length > 0 ? { AvailabilityZone: zones[rooms.length % zones.length] } : {}),
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [tag('managed', 'true')] }],
      }),
    );
    if (!Subnet?.SubnetId) throw new Error('seeding: CreateSubnet gave no id');
    const added = { id: Subnet.SubnetId, free: Subnet.AvailableIpAddressCount ?? 0 };
    rooms.push(added);
    return added;
  };
  // Whole calls into the first subnet with room for them, so no call is cut short.
  const chosen: string[] = [];
  for (const n of launches) {
    const into = rooms.find((r) => r.free >= n) ?? (await addSubnet());
    into.free -= n;
    chosen.push(into.id);
  }
  return chosen;
}

/** The blocks of `/prefix` inside `vpcCidr` that overlap none of `taken`, lowest first. */
export function freeBlocks(vpcCidr: string, taken: string[], prefix: number): string[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc || vpc.prefix > prefix) return [];
  const used = taken.flatMap((text) => parseCidr(text) ?? []);
  const size = 2 ** (32 - prefix);
  const blocks: string[] = [];
  for (let start = vpc.network; start < vpc.network + 2 ** (32 - vpc.prefix); start += size) {
    const block = { network: start, prefix };
    if (!used.some((u) => cidrsOverlap(u, block))) blocks.push(`${formatIp(start)}/${prefix}`);
  }
  return blocks;
}
