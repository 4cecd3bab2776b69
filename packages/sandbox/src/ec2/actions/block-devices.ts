import { Ec2ApiError, invalidParameterValue } from '../errors';
import type { Params } from '../query';

/** `BlockDeviceMapping.N` as RunInstances, CreateImage and launch templates take it. */
export interface EbsSpec {
  volumeSize?: number;
  volumeType?: string;
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  deleteOnTermination?: boolean;
  snapshotId?: string;
  kmsKeyId?: string;
}

export interface BlockDeviceSpec {
  deviceName: string;
  noDevice: boolean;
  virtualName?: string;
  ebs?: EbsSpec;
}

export const VOLUME_TYPES = ['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3'] as const;

const SIZE_LIMITS: Record<string, [number, number]> = {
  standard: [1, 1024],
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
};

export function readBlockDeviceMappings(params: Params, key = 'BlockDeviceMapping'): BlockDeviceSpec[] {
  const seen = new Set<string>();
  return params.list(key).map((item) => {
    const deviceName = item.requiredString('DeviceName');
    if (seen.has(deviceName)) {
      throw new Ec2ApiError(
        'InvalidBlockDeviceMapping',
        `The device '${deviceName}' is used in more than one block-device mapping`,
      );
    }
    seen.add(deviceName);
    const noDevice = item.has('NoDevice');
    const ebsParams = item.child('Ebs');
    let ebs: EbsSpec | undefined;
    if (ebsParams) {
      const volumeType = ebsParams.oneOf('VolumeType', VOLUME_TYPES);
      ebs = {
        volumeSize: ebsParams.integer('VolumeSize', { min: 1 }),
        volumeType,
        iops: ebsParams.integer('Iops', { min: 1 }),
        throughput: ebsParams.integer('Throughput', { min: 1 }),
        encrypted: ebsParams.boolean('Encrypted'),
        deleteOnTermination: ebsParams.boolean('DeleteOnTermination'),
        snapshotId: ebsParams.string('SnapshotId'),
        kmsKeyId: ebsParams.string('KmsKeyId'),
      };
      validateEbs(deviceName, ebs);
    }
    return { deviceName, noDevice, virtualName: item.string('VirtualName'), ebs };
  });
}

/**
 * The size a mapping gives a volume made from a snapshot: the snapshot's own unless the mapping
 * says more. EC2 refuses a smaller one (RunInstances and CreateImage alike).
 */
export function sizeFromSnapshot(ebs: EbsSpec, snapshot: { id: string | undefined; size: number }): number {
  const size = ebs.volumeSize ?? snapshot.size;
  if (size < snapshot.size) {
    throw new Ec2ApiError(
      'InvalidBlockDeviceMapping',
      `Volume of size ${size}GB is smaller than snapshot '${snapshot.id}', expect size >= ${snapshot.size}GB`,
    );
  }
  return size;
}

export function validateEbs(deviceName: string, ebs: EbsSpec): void {
  const type = ebs.volumeType ?? 'gp3';
  const limits = SIZE_LIMITS[type]!;
  if (ebs.volumeSize !== undefined && (ebs.volumeSize < limits[0] || ebs.volumeSize > limits[1])) {
    throw invalidParameterValue(
      `Volume of size ${ebs.volumeSize}GB is outside the range ${limits[0]}-${limits[1]}GB for volume type ${type} (${deviceName}).`,
    );
  }
  if ((type === 'io1' || type === 'io2') && ebs.iops === undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      `The parameter iops must be specified for ${type} volumes.`,
    );
  }
  if (type === 'gp3' && ebs.iops !== undefined && (ebs.iops < 3000 || ebs.iops > 16000)) {
    throw invalidParameterValue(`The iops ${ebs.iops} is outside the range 3000-16000 for gp3 volumes.`);
  }
  if (ebs.throughput !== undefined && type !== 'gp3') {
    throw new Ec2ApiError('InvalidParameterCombination', `Throughput can only be specified for gp3 volumes.`);
  }
  if (type === 'gp3' && ebs.throughput !== undefined && (ebs.throughput < 125 || ebs.throughput > 1000)) {
    throw invalidParameterValue(
      `The throughput ${ebs.throughput} is outside the range 125-1000 MiB/s for gp3 volumes.`,
    );
  }
  if ((type === 'gp2' || type === 'standard' || type === 'st1' || type === 'sc1') && ebs.iops !== undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      `The parameter iops is not supported for ${type} volumes.`,
    );
  }
}

/** Defaults EC2 gives a volume of each type. */
export function defaultIops(type: string, size: number): number | undefined {
  if (type === 'gp3') return 3000;
  if (type === 'gp2') return Math.min(16000, Math.max(100, size * 3));
  return undefined;
}

export function defaultThroughput(type: string): number | undefined {
  return type === 'gp3' ? 125 : undefined;
}
