import { ID_KINDS, stableId } from './ids';
import {
  type ImageRecord,
  images,
  type SnapshotRecord,
  securityGroups,
  snapshots,
  subnets,
  vpcs,
} from './model';
import { availabilityZones, SEEDED_ZONES } from './regions';
import { type Ec2Store, type RegionState, registerSeeder } from './store';

/**
 * What a new account has in every region: a default VPC (172.31.0.0/16) with a default subnet in
 * each of two zones, the VPC's `default` security group, and public images from Amazon and
 * Canonical. Seeded ids derive from the account and region, so they are the same on every run.
 */
export const AMAZON_OWNER_ID = '137112412989';
export const CANONICAL_OWNER_ID = '099720109477';

/** A fixed instant for the seeded images, so a fresh emulator always looks the same. */
const SEED_TIME = Date.parse('2024-12-12T20:13:41.000Z');

interface PublicImage {
  key: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  architecture: 'x86_64' | 'arm64';
  rootDeviceName: string;
  size: number;
}

export const PUBLIC_IMAGES: readonly PublicImage[] = [
  {
    key: 'al2023-x86_64',
    name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1',
    ownerId: AMAZON_OWNER_ID,
    ownerAlias: 'amazon',
    architecture: 'x86_64',
    rootDeviceName: '/dev/xvda',
    size: 8,
  },
  {
    key: 'al2023-arm64',
    name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-arm64',
    description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1',
    ownerId: AMAZON_OWNER_ID,
    ownerAlias: 'amazon',
    architecture: 'arm64',
    rootDeviceName: '/dev/xvda',
    size: 8,
  },
  {
    key: 'ubuntu-24.04-amd64',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206',
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'x86_64',
    rootDeviceName: '/dev/sda1',
    size: 8,
  },
  {
    key: 'ubuntu-24.04-arm64',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206',
    description: 'Canonical, Ubuntu, 24.04, arm64 noble image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'arm64',
    rootDeviceName: '/dev/sda1',
    size: 8,
  },
];

export function seedDefaultNetwork(state: RegionState, store: Ec2Store): void {
  const seed = (what: string) => `${store.accountId}/${state.region}/${what}`;
  const vpcId = stableId(ID_KINDS.vpc, seed('default-vpc'));
  vpcs.in(state).set(vpcId, {
    id: vpcId,
    tags: [],
    cidrBlock: '172.31.0.0/16',
    isDefault: true,
    state: 'available',
    instanceTenancy: 'default',
    ownerId: store.accountId,
    dhcpOptionsId: stableId(ID_KINDS.dhcpOptions, seed('dopt')),
    cidrAssociationId: stableId('vpc-cidr-assoc', seed('default-vpc-cidr')),
  });
  availabilityZones(state.region)
    .slice(0, SEEDED_ZONES)
    .forEach((zone, index) => {
      const subnetId = stableId(ID_KINDS.subnet, seed(`default-subnet-${zone.zoneName}`));
      subnets.in(state).set(subnetId, {
        id: subnetId,
        tags: [],
        vpcId,
        cidrBlock: `172.31.${index * 16}.0/20`,
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        state: 'available',
        ownerId: store.accountId,
        nextHost: 4,
        freeHosts: [],
      });
    });
  const groupId = stableId(ID_KINDS.securityGroup, seed('default-sg'));
  securityGroups.in(state).set(groupId, {
    id: groupId,
    tags: [],
    groupName: 'default',
    description: 'default VPC security group',
    vpcId,
    ownerId: store.accountId,
  });
}

export function seedPublicImages(state: RegionState): void {
  for (const image of PUBLIC_IMAGES) {
    const seed = `${state.region}/${image.key}`;
    const snapshotId = stableId(ID_KINDS.snapshot, `${seed}/snapshot`);
    const snapshot: SnapshotRecord = {
      id: snapshotId,
      tags: [],
      volumeId: 'vol-ffffffff',
      volumeSize: image.size,
      ownerId: image.ownerId,
      ownerAlias: image.ownerAlias,
      isPublic: true,
      state: 'completed',
      startTime: SEED_TIME,
      stateSince: SEED_TIME,
      description: `Copied for DestinationAmi from ${image.name}`,
      encrypted: false,
    };
    snapshots.in(state).set(snapshotId, snapshot);
    const imageId = stableId(ID_KINDS.image, seed);
    const record: ImageRecord = {
      id: imageId,
      tags: [],
      name: image.name,
      description: image.description,
      ownerId: image.ownerId,
      ownerAlias: image.ownerAlias,
      isPublic: true,
      state: 'available',
      stateSince: SEED_TIME,
      architecture: image.architecture,
      creationDate: SEED_TIME,
      rootDeviceName: image.rootDeviceName,
      blockDevices: [
        {
          deviceName: image.rootDeviceName,
          snapshotId,
          volumeSize: image.size,
          volumeType: 'gp3',
          deleteOnTermination: true,
          encrypted: false,
          iops: 3000,
          throughput: 125,
        },
      ],
      platformDetails: 'Linux/UNIX',
      imageLocation: `${image.ownerAlias ?? image.ownerId}/${image.name}`,
      enaSupport: true,
      bootMode: image.architecture === 'arm64' ? 'uefi' : 'uefi-preferred',
    };
    images.in(state).set(imageId, record);
  }
}

registerSeeder(seedDefaultNetwork, 10);
registerSeeder(seedPublicImages, 20);
