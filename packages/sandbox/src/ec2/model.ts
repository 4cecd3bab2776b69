import { ID_KINDS } from './ids';
import { type BaseRecord, defineCollection, type Tag } from './store';

/**
 * Records of the resources the core action areas own. Times are epoch ms of emulator time.
 * Other areas declare their own records and collections in their own files (see README.md).
 */
export type InstanceStateName =
  | 'pending'
  | 'running'
  | 'shutting-down'
  | 'terminated'
  | 'stopping'
  | 'stopped';

export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface GroupRef {
  groupId: string;
  groupName: string;
}

export interface InstanceBlockDevice {
  deviceName: string;
  volumeId: string;
  deleteOnTermination: boolean;
  attachTime: number;
}

export interface InstanceRecord extends BaseRecord {
  tags: Tag[];
  reservationId: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  architecture: string;
  keyName?: string;
  launchTime: number;
  state: InstanceStateName;
  stateSince: number;
  stateReason?: { code: string; message: string };
  stateTransitionReason: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIpAddress: string;
  publicIpAddress?: string;
  /** Set by the Elastic IP area while an address is associated: the public IP survives stop/start. */
  elasticIp?: string;
  /** Whether the instance was launched with a public IP (it gets a new one on each start). */
  hadPublicIp: boolean;
  macAddress: string;
  networkInterfaceId: string;
  securityGroups: GroupRef[];
  iamInstanceProfile?: { arn: string; id: string };
  blockDevices: InstanceBlockDevice[];
  rootDeviceName: string;
  clientToken?: string;
  amiLaunchIndex: number;
  ebsOptimized: boolean;
  monitoring: boolean;
  metadataOptions: {
    httpTokens: string;
    httpPutResponseHopLimit: number;
    httpEndpoint: string;
    instanceMetadataTags: string;
    httpProtocolIpv6: string;
  };
  platformDetails: string;
  userData?: string;
  cpuCores: number;
  threadsPerCore: number;
  disableApiTermination: boolean;
  /** Set by the control endpoint: the instance stays in its state until released. */
  held?: boolean;
  /** When it reached `terminated`; it disappears from Describe calls `terminatedRetention` later. */
  terminatedAt?: number;
}

export type ImageStateName =
  | 'pending'
  | 'available'
  | 'invalid'
  | 'deregistered'
  | 'transient'
  | 'failed'
  | 'error';

export interface ImageBlockDevice {
  deviceName: string;
  snapshotId?: string;
  volumeSize: number;
  volumeType: string;
  deleteOnTermination: boolean;
  encrypted: boolean;
  iops?: number;
  throughput?: number;
}

export interface ImageRecord extends BaseRecord {
  tags: Tag[];
  name: string;
  description?: string;
  ownerId: string;
  ownerAlias?: string;
  isPublic: boolean;
  state: ImageStateName;
  stateSince: number;
  /** Set by the control endpoint: the image stays in its state until released. */
  held?: boolean;
  stateReason?: { code: string; message: string };
  architecture: string;
  creationDate: number;
  rootDeviceName: string;
  blockDevices: ImageBlockDevice[];
  sourceInstanceId?: string;
  platformDetails: string;
  imageLocation: string;
  enaSupport: boolean;
  bootMode?: string;
  deprecationTime?: number;
  /** Who besides the owner may launch it (ModifyImageAttribute launchPermission); `group: all` is public. */
  launchPermissions?: LaunchPermission[];
  /** EnableImageDeregistrationProtection; `disabledUntil` is the end of a cooldown after disabling. */
  deregistrationProtection?: { enabled: boolean; withCooldown: boolean; disabledUntil?: number };
  /** The last RunInstances from this image (DescribeImageAttribute lastLaunchedTime). */
  lastLaunchedTime?: number;
  /** Set on a CopyImage result: the image and region it was copied from. */
  sourceImageId?: string;
  sourceImageRegion?: string;
}

/** One launch permission: an account, the `all` group, an organisation or an OU (by ARN). */
export interface LaunchPermission {
  userId?: string;
  group?: 'all';
  organizationArn?: string;
  organizationalUnitArn?: string;
}

export interface SnapshotRecord extends BaseRecord {
  tags: Tag[];
  volumeId: string;
  volumeSize: number;
  ownerId: string;
  ownerAlias?: string;
  isPublic: boolean;
  state: 'pending' | 'completed' | 'error';
  startTime: number;
  stateSince: number;
  description: string;
  encrypted: boolean;
  kmsKeyId?: string;
  /** Accounts that may create volumes from it (ModifySnapshotAttribute createVolumePermission). */
  createVolumePermissions?: string[];
}

export interface VolumeRecord extends BaseRecord {
  tags: Tag[];
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  availabilityZone: string;
  snapshotId?: string;
  createTime: number;
  state: 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted';
  attachment?: { instanceId: string; device: string; attachTime: number; deleteOnTermination: boolean };
}

export interface VpcRecord extends BaseRecord {
  tags: Tag[];
  cidrBlock: string;
  isDefault: boolean;
  state: 'pending' | 'available';
  instanceTenancy: string;
  ownerId: string;
  dhcpOptionsId: string;
  cidrAssociationId: string;
}

export interface SubnetRecord extends BaseRecord {
  tags: Tag[];
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  state: 'pending' | 'available';
  ownerId: string;
  /** The next never-used host offset from the network address, and offsets given back. */
  nextHost: number;
  freeHosts: number[];
}

/**
 * A security group. The security-group area owns its behaviour and its rules (kept in its own
 * collection); the record lives here because the seed creates each VPC's `default` group and
 * instances refer to groups.
 */
export interface SecurityGroupRecord extends BaseRecord {
  tags: Tag[];
  groupName: string;
  description: string;
  vpcId: string;
  ownerId: string;
}

export interface KeyPairRecord extends BaseRecord {
  tags: Tag[];
  keyName: string;
  keyFingerprint: string;
  keyType: 'rsa' | 'ed25519';
  createTime: number;
  /** OpenSSH public key, shown with IncludePublicKey. */
  publicKey: string;
}

export interface LaunchTemplateVersionRecord {
  versionNumber: number;
  versionDescription?: string;
  createTime: number;
  createdBy: string;
  /** The version's data, already in wire form (`imageId`, `securityGroupIdSet`, …). */
  data: Record<string, unknown>;
}

export interface LaunchTemplateRecord extends BaseRecord {
  tags: Tag[];
  name: string;
  createTime: number;
  createdBy: string;
  defaultVersion: number;
  latestVersion: number;
  versions: LaunchTemplateVersionRecord[];
}

export const instances = defineCollection<InstanceRecord>('instances', ID_KINDS.instance);
export const images = defineCollection<ImageRecord>('images', ID_KINDS.image);
export const snapshots = defineCollection<SnapshotRecord>('snapshots', ID_KINDS.snapshot);
export const volumes = defineCollection<VolumeRecord>('volumes', ID_KINDS.volume);
export const vpcs = defineCollection<VpcRecord>('vpcs', ID_KINDS.vpc);
export const subnets = defineCollection<SubnetRecord>('subnets', ID_KINDS.subnet);
export const securityGroups = defineCollection<SecurityGroupRecord>('securityGroups', ID_KINDS.securityGroup);
export const keyPairs = defineCollection<KeyPairRecord>('keyPairs', ID_KINDS.keyPair);
export const launchTemplates = defineCollection<LaunchTemplateRecord>(
  'launchTemplates',
  ID_KINDS.launchTemplate,
);
