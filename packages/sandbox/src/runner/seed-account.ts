import {
  type _InstanceType,
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Delays, Ec2Store } from '../ec2/store';

/**
 * A believable account for a first start, created through the EC2 API like any client would:
 * approved images (launchable by id or name; the stage's aliases name public ones), running instances that are baked nightly, on-request security
 * groups (one with a temporary rule about to expire), and Elastic IPs — associated, idle and
 * marked, idle and new, kept. The sandbox calls this only when the state is new.
 */
export interface SeedOptions {
  ec2: (region: string) => EC2Client;
  regions: string[];
  tagPrefix: string;
  now: () => number;
  /** Tags that designate security groups for on-request access (the stage's access.groups.tags). */
  accessGroupTags: Record<string, string>;
}

export interface SeedSummary {
  images: string[];
  instances: string[];
  groups: string[];
  addresses: string[];
}

const HOUR = 3_600_000;

/** Polls `read` until it gives a value (seeding waits on transitions that take no emulator time). */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`seeding: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)));
  }
}

async function publicImage(ec2: EC2Client, namePrefix: string): Promise<string> {
  const { Images } = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon', '099720109477'],
      Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
    }),
  );
  const image = (Images ?? []).find((i) => i.Name?.startsWith(namePrefix));
  if (!image?.ImageId) throw new Error(`seeding: no public image named ${namePrefix}…`);
  return image.ImageId;
}

/**
 * Seeds with the emulator's transition delays at zero, so waiting for instances and images to be
 * ready costs nothing, and puts the delays back afterwards.
 */
/** Runs `seed` with the store's transition delays at zero (member accounts share the hub's delays). */
export async function withoutDelays<T>(store: Ec2Store, seed: () => Promise<T>): Promise<T> {
  const delays = { ...store.delays };
  for (const key of Object.keys(store.delays) as (keyof Delays)[]) {
    if (key !== 'terminatedRetention') store.delays[key] = 0;
  }
  try {
    return await seed();
  } finally {
    Object.assign(store.delays, delays);
  }
}

export async function seedAccount(o: SeedOptions): Promise<SeedSummary> {
  const p = o.tagPrefix;
  const tag = (key: string, value: string): Tag => ({ Key: `${p}${key}`, Value: value });
  const iso = (offsetMs: number) => new Date(o.now() + offsetMs).toISOString();
  const summary: SeedSummary = { images: [], instances: [], groups: [], addresses: [] };

  async function launch(
    ec2: EC2Client,
    name: string,
    imageId: string,
    type: _InstanceType,
    tags: Tag[],
    groups: string[] = [],
    subnetId?: string,
  ): Promise<string> {
    const { Instances } = await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: type,
        MinCount: 1,
        MaxCount: 1,
        ...(groups.length ? { SecurityGroupIds: groups } : {}),
        ...(subnetId ? { SubnetId: subnetId } : {}),
        ClientToken: `sandbox-seed-${name}`,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }, ...tags] },
          { ResourceType: 'volume', Tags: tags.filter((t) => t.Key === `${p}managed`) },
        ],
      }),
    );
    const id = Instances?.[0]?.InstanceId;
    if (!id) throw new Error(`seeding: RunInstances gave no instance for ${name}`);
    summary.instances.push(id);
    return id;
  }

  async function running(ec2: EC2Client, ids: string[]): Promise<void> {
    await waitFor(`instances ${ids.join(', ')} to run`, async () => {
      const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
      const states = (Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
      return states.length === ids.length && states.every((s) => s === 'running') ? true : undefined;
    });
  }

  /** An image of a builder instance, approved for `/ec2 launch` by id or name. */
  async function golden(ec2: EC2Client, builder: string, name: string, tags: Tag[]): Promise<string> {
    const { ImageId } = await ec2.send(
      new CreateImageCommand({
        InstanceId: builder,
        Name: name,
        Description: `${name} (sandbox seed)`,
        TagSpecifications: [
          { ResourceType: 'image', Tags: [{ Key: 'Name', Value: name }, tag('managed', 'true'), ...tags] },
        ],
      }),
    );
    if (!ImageId) throw new Error(`seeding: CreateImage gave no image for ${name}`);
    summary.images.push(ImageId);
    return ImageId;
  }

  async function available(ec2: EC2Client, ids: string[]): Promise<void> {
    await waitFor(`images ${ids.join(', ')}`, async () => {
      const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: ids }));
      return (Images ?? []).length === ids.length && (Images ?? []).every((i) => i.State === 'available')
        ? true
        : undefined;
    });
  }

  const [home = 'us-east-1', second] = o.regions;
  const ec2 = o.ec2(home);
  const managed = tag('managed', 'true');

  // Approved images, made from two builder instances that are then terminated.
  const [al2023, ubuntu] = await Promise.all([publicImage(ec2, 'al2023-ami-'), publicImage(ec2, 'ubuntu/')]);
  const builders = await Promise.all([
    launch(ec2, 'image-builder-al2023', al2023, 't3.micro', [managed]),
    launch(ec2, 'image-builder-ubuntu', ubuntu, 't3.micro', [managed]),
  ]);
  await running(ec2, builders);
  const images = await Promise.all([
    golden(ec2, builders[0]!, 'golden-al2023-web', [tag('approved', 'true')]),
    golden(ec2, builders[1]!, 'golden-ubuntu-2404', [tag('approved', 'true')]),
    golden(ec2, builders[1]!, 'legacy-app-2023', []),
  ]);
  await available(ec2, images);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: builders }));
  const [webImage, ubuntuImage] = images as [string, string, string];

  // Security groups designated for on-request access; one permanent rule, one temporary one.
  const group = async (name: string, description: string) => {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        Description: description,
        TagSpecifications: [
          {
            ResourceType: 'security-group',
            Tags: [managed, ...Object.entries(o.accessGroupTags).map(([Key, Value]) => ({ Key, Value }))],
          },
        ],
      }),
    );
    if (!GroupId) throw new Error(`seeding: CreateSecurityGroup gave no id for ${name}`);
    summary.groups.push(GroupId);
    return GroupId;
  };
  const [ssh, webGroup] = await Promise.all([
    group('ssh-on-request', 'SSH, opened on request with /ec2 open'),
    group('web-on-request', 'HTTPS for everyone; other ports on request'),
  ]);
  await Promise.all([
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: webGroup,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'public HTTPS' }],
          },
        ],
      }),
    ),
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ssh,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'omar, via /ec2 open' }],
          },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: [managed, tag('owner', 'UOPERATOR'), tag('expires-at', iso(45 * 60_000))],
          },
        ],
      }),
    ),
  ]);

  // Running instances: two baked nightly, two with an expiry the reaper will act on, one legacy.
  // web-1 and api-1 each sit in one on-request group, so `/ec2 open 8080 on web-1` knows where.
  const web = await launch(
    ec2,
    'web-1',
    webImage,
    't3.small',
    [managed, tag('owner', 'UOPERATOR'), tag('bake', 'nightly')],
    [webGroup],
  );
  const fleet = await Promise.all([
    launch(
      ec2,
      'api-1',
      ubuntuImage,
      't3.medium',
      [managed, tag('owner', 'UADMIN'), tag('bake', 'nightly')],
      [ssh],
    ),
    launch(ec2, 'ci-runner', ubuntuImage, 't3.large', [
      managed,
      tag('owner', 'UOPERATOR'),
      tag('expires-at', iso(2 * HOUR)),
    ]),
    launch(ec2, 'scratch-omar', webImage, 't3.micro', [
      managed,
      tag('owner', 'UOPERATOR'),
      tag('expires-at', iso(HOUR / 2)),
    ]),
    launch(ec2, 'legacy-db', al2023, 'm5.large', []),
  ]);
  await running(ec2, [web, ...fleet]);

  // A private VPC with no internet gateway: `/ec2 eip attach isolated-worker` shows EC2's
  // Gateway.NotAttached, and that ec2ops gives the address it allocated back.
  // Seeded beside the Elastic IPs and the second region, so first start takes no longer.
  const isolating = (async () => {
    const { Vpc } = await ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.90.0.0/16',
        TagSpecifications: [
          { ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'isolated (no internet gateway)' }] },
        ],
      }),
    );
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({
        VpcId: Vpc?.VpcId,
        CidrBlock: '10.90.1.0/24',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'isolated-private' }] }],
      }),
    );
    // An admin's: operators keep their launch headroom (launch.maxRunningPerUser) in the tour.
    const isolated = await launch(
      ec2,
      'isolated-worker',
      al2023,
      't3.micro',
      [managed, tag('owner', 'UADMIN')],
      [],
      Subnet?.SubnetId,
    );
    await running(ec2, [isolated]);
  })();
  // Awaited below; until then a failure must not surface as an unhandled rejection.
  isolating.catch(() => undefined);

  // Elastic IPs: associated, idle for six days (released after the 7-day grace), idle and not yet
  // seen by the cleanup, and one kept on purpose.
  const address = async (tags: Tag[]) => {
    const { AllocationId } = await ec2.send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tags }],
      }),
    );
    if (!AllocationId) throw new Error('seeding: AllocateAddress gave no allocation id');
    summary.addresses.push(AllocationId);
    return AllocationId;
  };
  const [attached] = await Promise.all([
    address([managed, tag('owner', 'UOPERATOR'), { Key: 'Name', Value: 'web-1' }]),
    address([
      managed,
      tag('owner', 'UOPERATOR'),
      tag('idle-since', iso(-6 * 24 * HOUR)),
      { Key: 'Name', Value: 'old-demo' },
    ]),
    address([managed, tag('owner', 'UADMIN'), { Key: 'Name', Value: 'spare' }]),
    address([tag('keep', 'true'), { Key: 'Name', Value: 'partner-allowlisted' }]),
  ]);
  await ec2.send(new AssociateAddressCommand({ AllocationId: attached, InstanceId: web }));

  // A second region, so the bake and the console show more than one.
  if (second) {
    const eu = o.ec2(second);
    const euImage = await publicImage(eu, 'al2023-ami-');
    const euWeb = await launch(eu, 'web-eu-1', euImage, 't3.small', [
      managed,
      tag('owner', 'UADMIN'),
      tag('bake', 'nightly'),
    ]);
    await running(eu, [euWeb]);
  }
  await isolating;
  return summary;
}
