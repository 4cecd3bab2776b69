/**
 * `ec2ops twin import` of a large account: 10,000 instances (each with its root volume), 2,000
 * images (each with its snapshot) and 3,000 Elastic IPs in one region (TWIN_SCALE scales all of
 * it; default 1). The account is built in the emulator's state: one instance, image and address
 * made through the EC2 API, then copied with new ids and addresses across four /18 subnets added
 * to a VPC (the default subnets hold too few addresses for 10,000 instances). Prints, measured:
 * - calls the import sent (the source emulator's own counters), all Describe*;
 * - the fewest pages EC2 allows for those counts at each action's largest page size, and the
 *   ratio of the two (1.0 is the floor);
 * - wall time, and that the twin holds what the account holds.
 */
import {
  AllocateAddressCommand,
  CreateImageCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { addresses } from '@ec2ops/sandbox/ec2/actions/address-model';
import { formatIpv4, parseIpv4 } from '@ec2ops/sandbox/ec2/actions/cidr';
import { ID_KINDS, newId } from '@ec2ops/sandbox/ec2/ids';
import { images, instances, snapshots, subnets, volumes } from '@ec2ops/sandbox/ec2/model';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { statsOf } from '@ec2ops/sandbox/ec2/stats';
import { importAccount, PAGE_SIZES } from '@ec2ops/sandbox/twin/import';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' };
const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

export async function run() {
  const scale = Number(process.env.TWIN_SCALE ?? 1);
  const want = { instances: 10_000 * scale, images: 2_000 * scale, addresses: 3_000 * scale };
  const account = await startEc2Emulator({
    delays: { instancePending: 0, imagePending: 0, snapshotPending: 0, volumeCreating: 0 },
    log: () => {},
  });
  const ec2 = ec2ClientsByRegion({ endpoint: account.url, credentials })(REGION);

  // Templates made through the API, so every copy has the shape the emulator gives a resource.
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.64.0.0/16' }));
  const subnetIds: string[] = [];
  for (let i = 0; i < 4; i += 1) {
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({
        VpcId: Vpc!.VpcId!,
        CidrBlock: `10.64.${i * 64}.0/18`,
        AvailabilityZone: `${REGION}a`,
      }),
    );
    subnetIds.push(Subnet!.SubnetId!);
  }
  const { Images: publicImages } = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const { Instances } = await ec2.send(
    new RunInstancesCommand({
      ImageId: publicImages![0]!.ImageId!,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetIds[0],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] }],
    }),
  );
  const { ImageId } = await ec2.send(
    new CreateImageCommand({ InstanceId: Instances![0]!.InstanceId!, Name: 'template' }),
  );
  const { AllocationId } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));

  const state = account.store.region(REGION);
  account.store.advance(state);
  const instanceTemplate = instances.in(state).get(Instances![0]!.InstanceId!)!;
  const volumeTemplate = volumes.in(state).get(instanceTemplate.blockDevices[0]!.volumeId)!;
  const imageTemplate = images.in(state).get(ImageId!)!;
  const snapshotTemplate = snapshots.in(state).get(imageTemplate.blockDevices[0]!.snapshotId!)!;
  const addressTemplate = addresses.in(state).get(AllocationId!)!;
  const copy = <T>(value: T): T => structuredClone(value);

  const perSubnet = Math.ceil(want.instances / subnetIds.length);
  for (let i = instances.in(state).size; i < want.instances; i += 1) {
    const subnet = subnets.in(state).get(subnetIds[Math.floor(i / perSubnet)]!)!;
    const host = 4 + (i % perSubnet);
    const instance = copy(instanceTemplate);
    const volume = copy(volumeTemplate);
    instance.id = newId(ID_KINDS.instance);
    instance.reservationId = newId(ID_KINDS.reservation);
    instance.subnetId = subnet.id;
    instance.privateIpAddress = formatIpv4(parseIpv4(subnet.cidrBlock.split('/')[0]!)! + host);
    instance.networkInterfaceId = newId(ID_KINDS.networkInterface);
    instance.tags = [...instance.tags, { key: 'Name', value: `bench-${i}` }];
    volume.id = newId(ID_KINDS.volume);
    volume.attachment = { ...volume.attachment!, instanceId: instance.id };
    instance.blockDevices = [{ ...instance.blockDevices[0]!, volumeId: volume.id }];
    subnet.nextHost = Math.max(subnet.nextHost, host + 1);
    instances.in(state).set(instance.id, instance);
    volumes.in(state).set(volume.id, volume);
  }
  const own = account.store.accountId;
  const ownImages = () => [...images.in(state).values()].filter((i) => i.ownerId === own).length;
  for (let i = ownImages(); i < want.images; i += 1) {
    const image = copy(imageTemplate);
    const snapshot = copy(snapshotTemplate);
    image.id = newId(ID_KINDS.image);
    image.name = `bench-image-${i}`;
    snapshot.id = newId(ID_KINDS.snapshot);
    image.blockDevices = [{ ...image.blockDevices[0]!, snapshotId: snapshot.id }];
    images.in(state).set(image.id, image);
    snapshots.in(state).set(snapshot.id, snapshot);
  }
  const poolStart = parseIpv4('198.18.128.1')!;
  for (let i = addresses.in(state).size; i < want.addresses; i += 1) {
    const address = copy(addressTemplate);
    address.id = newId(ID_KINDS.allocation);
    address.publicIp = formatIpv4(poolStart + i + Math.floor(i / 254) * 2);
    addresses.in(state).set(address.id, address);
  }
  account.store.markChanged();
  ec2.destroy();

  const held = {
    instances: instances.in(state).size,
    images: ownImages(),
    snapshots: [...snapshots.in(state).values()].filter((s) => s.ownerId === own).length,
    volumes: volumes.in(state).size,
    addresses: addresses.in(state).size,
  };

  statsOf(account.store).reset();
  const started = performance.now();
  const imported = await importAccount({
    ec2: ec2ClientsByRegion({ endpoint: account.url, credentials }),
    regions: [REGION],
    now: account.store.clock.now(),
  });
  const wallMs = performance.now() - started;
  const stats = statsOf(account.store).snapshot();
  await account.close();

  const counts = imported.counts[REGION]!;
  // The floor, from what the account holds (not from the importer's own arithmetic).
  const minimum =
    pages(held.instances, PAGE_SIZES.DescribeInstances) +
    pages(held.images, PAGE_SIZES.DescribeImages) +
    pages(held.snapshots, PAGE_SIZES.DescribeSnapshots) +
    pages(held.volumes, PAGE_SIZES.DescribeVolumes) +
    1 + // DescribeAddresses: one answer, every address
    pages(counts.vpcs, PAGE_SIZES.DescribeVpcs) +
    pages(counts.subnets, PAGE_SIZES.DescribeSubnets) +
    pages(counts.securityGroups, PAGE_SIZES.DescribeSecurityGroups) +
    pages(counts.securityGroupRules, PAGE_SIZES.DescribeSecurityGroupRules) +
    pages(counts.launchTemplates, PAGE_SIZES.DescribeLaunchTemplates) +
    // Images others own that instances run from: one DescribeImages by id per 200.
    pages(counts.images - held.images, 200);
  const mutating = Object.keys(stats.actions).filter((a) => !a.startsWith('Describe'));
  const complete =
    counts.instances === held.instances &&
    counts.addresses === held.addresses &&
    counts.volumes === held.volumes &&
    counts.snapshots === held.snapshots &&
    counts.images >= held.images;
  const ratio = stats.total / minimum;
  return {
    ok: complete && mutating.length === 0 && ratio <= 1.05,
    account: held,
    imported: counts,
    calls: stats.total,
    callsByAction: Object.fromEntries(Object.entries(stats.actions).map(([a, s]) => [a, s.requests])),
    minimumPages: minimum,
    ratioToMinimum: Number(ratio.toFixed(3)),
    mutatingCalls: mutating,
    wallSeconds: Number((wallMs / 1000).toFixed(1)),
    instancesPerSecond: Math.round(held.instances / (wallMs / 1000)),
  };
}
