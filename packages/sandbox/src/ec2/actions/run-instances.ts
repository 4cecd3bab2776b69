import { createHash } from 'node:crypto';
import { Ec2ApiError, invalidParameterValue, missingParameter } from '../errors';
import { ID_KINDS, newId, resolveIds } from '../ids';
import { DEFAULT_INSTANCE_TYPE, findInstanceType } from '../instance-type-catalog';
import { allocatePrivateIp, availableIpCount, randomMac, randomPublicIp } from '../ip';
import {
  type GroupRef,
  type ImageRecord,
  type InstanceRecord,
  images,
  instances,
  keyPairs,
  type SecurityGroupRecord,
  type SubnetRecord,
  securityGroups,
  subnets,
  vpcs,
} from '../model';
import type { Params } from '../query';
import { availabilityZones } from '../regions';
import { type ActionContext, writeAction } from '../registry';
import type { RegionState, Tag } from '../store';
import { readTagSpecifications } from '../tags';
import type { XmlObject } from '../xml';
import { type BlockDeviceSpec, readBlockDeviceMappings, sizeFromSnapshot } from './block-devices';
import { reservationsWire } from './instance-wire';
import { requireInternetGateway } from './internet-gateways';
import { applyLaunchTemplate } from './launch-template-params';
import { visibleTo } from './owners';
import { createAttachedVolume } from './volumes';

/** RunInstances: validation first (in EC2's order), then ClientToken idempotency, then launch. */
export const MAX_INSTANCES_PER_REQUEST = 1000;

interface TokenEntry {
  fingerprint: string;
  reservationId: string;
  instanceIds: string[];
}

function tokenTable(state: RegionState): Record<string, TokenEntry> {
  if (!state.extra.runInstancesTokens) state.extra.runInstancesTokens = {};
  return state.extra.runInstancesTokens as Record<string, TokenEntry>;
}

function resolveImage(ctx: ActionContext, imageId: string): ImageRecord {
  const [image] = resolveIds(ID_KINDS.image, [imageId], (id) => {
    const found = images.in(ctx.state).get(id);
    return found && visibleTo(found, ctx.store.accountId) ? found : undefined;
  });
  if (!image) throw new Error('unreachable');
  if (image.state !== 'available') {
    throw new Ec2ApiError(
      'InvalidAMIID.Unavailable',
      `The image id '[${imageId}]' is not available (state: ${image.state})`,
    );
  }
  return image;
}

function defaultSubnet(state: RegionState, zone: string | undefined): SubnetRecord {
  const candidates = [...subnets.in(state).values()].filter(
    (s) => s.defaultForAz && (zone === undefined || s.availabilityZone === zone),
  );
  const subnet = candidates[0];
  if (!subnet) {
    if (![...vpcs.in(state).values()].some((v) => v.isDefault)) {
      throw new Ec2ApiError(
        'VPCIdNotSpecified',
        'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
      );
    }
    throw new Ec2ApiError('MissingInput', `No default subnet for availability zone: '${zone}'.`);
  }
  return subnet;
}

function resolveSubnet(ctx: ActionContext, params: Params): SubnetRecord {
  const subnetId = params.string('SubnetId') ?? params.list('NetworkInterface')[0]?.string('SubnetId');
  const zone = params.child('Placement')?.string('AvailabilityZone');
  if (zone !== undefined && !availabilityZones(ctx.region).some((z) => z.zoneName === zone)) {
    throw invalidParameterValue(`Invalid availability zone: [${zone}]`);
  }
  if (!subnetId) return defaultSubnet(ctx.state, zone);
  const [subnet] = resolveIds(ID_KINDS.subnet, [subnetId], (id) => subnets.in(ctx.state).get(id));
  if (!subnet) throw new Error('unreachable');
  if (zone !== undefined && zone !== subnet.availabilityZone) {
    throw invalidParameterValue(
      `The specified Availability Zone (${zone}) does not match the Availability Zone of the subnet (${subnet.availabilityZone}).`,
    );
  }
  return subnet;
}

function resolveGroups(ctx: ActionContext, params: Params, subnet: SubnetRecord): GroupRef[] {
  const ids = [
    ...params.strings('SecurityGroupId'),
    ...(params.list('NetworkInterface')[0]?.strings('SecurityGroupId') ?? []),
  ];
  const names = params.strings('SecurityGroup');
  const all = securityGroups.in(ctx.state);
  const found: SecurityGroupRecord[] = resolveIds(ID_KINDS.securityGroup, [...new Set(ids)], (id) =>
    all.get(id),
  );
  for (const name of names) {
    const group = [...all.values()].find((g) => g.groupName === name && g.vpcId === subnet.vpcId);
    if (!group) {
      throw new Ec2ApiError(
        'InvalidGroup.NotFound',
        `The security group '${name}' does not exist in VPC '${subnet.vpcId}'`,
      );
    }
    found.push(group);
  }
  for (const group of found) {
    if (group.vpcId !== subnet.vpcId) {
      throw new Ec2ApiError(
        'InvalidParameter',
        `Security group ${group.id} and subnet ${subnet.id} belong to different networks.`,
      );
    }
  }
  if (found.length === 0) {
    const fallback = [...all.values()].find((g) => g.groupName === 'default' && g.vpcId === subnet.vpcId);
    if (fallback) found.push(fallback);
  }
  const unique = [...new Map(found.map((g) => [g.id, g])).values()];
  return unique.map((g) => ({ groupId: g.id, groupName: g.groupName }));
}

interface PlannedVolume {
  device: string;
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  snapshotId?: string;
  deleteOnTermination: boolean;
}

function planVolumes(image: ImageRecord, mappings: BlockDeviceSpec[]): PlannedVolume[] {
  const planned: PlannedVolume[] = [];
  for (const device of image.blockDevices) {
    const override = mappings.find((m) => m.deviceName === device.deviceName);
    if (override?.noDevice) {
      if (device.deviceName === image.rootDeviceName) {
        throw new Ec2ApiError(
          'InvalidBlockDeviceMapping',
          'The root device cannot be removed with NoDevice.',
        );
      }
      continue;
    }
    const ebs = override?.ebs ?? {};
    const size = sizeFromSnapshot(ebs, { id: device.snapshotId, size: device.volumeSize });
    if (ebs.snapshotId !== undefined && ebs.snapshotId !== device.snapshotId) {
      throw new Ec2ApiError(
        'InvalidBlockDeviceMapping',
        `The snapshot of ${device.deviceName} cannot be replaced.`,
      );
    }
    const volumeType = ebs.volumeType ?? device.volumeType;
    planned.push({
      device: device.deviceName,
      size,
      volumeType,
      iops: ebs.iops ?? (volumeType === device.volumeType ? device.iops : undefined),
      throughput: ebs.throughput ?? (volumeType === device.volumeType ? device.throughput : undefined),
      encrypted: ebs.encrypted ?? device.encrypted,
      snapshotId: device.snapshotId,
      deleteOnTermination: ebs.deleteOnTermination ?? device.deleteOnTermination,
    });
  }
  for (const mapping of mappings) {
    if (
      mapping.noDevice ||
      !mapping.ebs ||
      image.blockDevices.some((d) => d.deviceName === mapping.deviceName)
    )
      continue;
    if (mapping.ebs.volumeSize === undefined && mapping.ebs.snapshotId === undefined) {
      throw new Ec2ApiError(
        'InvalidBlockDeviceMapping',
        `The request must contain either a snapshot ID or a volume size for ${mapping.deviceName}`,
      );
    }
    planned.push({
      device: mapping.deviceName,
      size: mapping.ebs.volumeSize ?? 8,
      volumeType: mapping.ebs.volumeType ?? 'gp3',
      iops: mapping.ebs.iops,
      throughput: mapping.ebs.throughput,
      encrypted: mapping.ebs.encrypted ?? false,
      snapshotId: mapping.ebs.snapshotId,
      deleteOnTermination: mapping.ebs.deleteOnTermination ?? true,
    });
  }
  return planned;
}

const INSTANCE_PROFILE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile\/[\w+=,.@/-]+$/;

function readInstanceProfile(params: Params, accountId: string): InstanceRecord['iamInstanceProfile'] {
  const profile = params.child('IamInstanceProfile');
  if (!profile) return undefined;
  const arn = profile.string('Arn');
  const name = profile.string('Name');
  if (arn === undefined && name === undefined) throw missingParameter('IamInstanceProfile.Name');
  if (arn !== undefined && !INSTANCE_PROFILE_ARN.test(arn)) {
    throw invalidParameterValue(
      `Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`,
    );
  }
  if (name !== undefined && !/^[\w+=,.@-]{1,128}$/.test(name)) {
    throw invalidParameterValue(
      `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
    );
  }
  const resolvedArn = arn ?? `arn:aws:iam::${accountId}:instance-profile/${name}`;
  const id = `AIPA${createHash('sha256').update(resolvedArn).digest('hex').slice(0, 17).toUpperCase()}`;
  return { arn: resolvedArn, id };
}

function readMetadataOptions(params: Params): InstanceRecord['metadataOptions'] {
  const options = params.child('MetadataOptions');
  return {
    httpTokens: options?.oneOf('HttpTokens', ['optional', 'required']) ?? 'required',
    httpPutResponseHopLimit: options?.integer('HttpPutResponseHopLimit', { min: 1, max: 64 }) ?? 2,
    httpEndpoint: options?.oneOf('HttpEndpoint', ['enabled', 'disabled']) ?? 'enabled',
    instanceMetadataTags: options?.oneOf('InstanceMetadataTags', ['enabled', 'disabled']) ?? 'disabled',
    httpProtocolIpv6: options?.oneOf('HttpProtocolIpv6', ['enabled', 'disabled']) ?? 'disabled',
  };
}

writeAction('RunInstances', (ctx) => {
  const { params, state, store, now, region } = ctx;
  const minCount = params.integer('MinCount');
  const maxCount = params.integer('MaxCount');
  if (minCount === undefined) throw missingParameter('MinCount');
  if (maxCount === undefined) throw missingParameter('MaxCount');
  if (minCount < 1)
    throw invalidParameterValue(
      `Value (${minCount}) for parameter minCount is invalid. Expected a value >= 1.`,
    );
  if (maxCount < minCount) {
    throw invalidParameterValue(
      `Value (${maxCount}) for parameter maxCount is invalid. Expected a value >= minCount.`,
    );
  }
  const clientToken = params.string('ClientToken');
  if (clientToken !== undefined && (clientToken.length === 0 || clientToken.length > 64)) {
    throw invalidParameterValue('The client token must be between 1 and 64 ASCII characters long.');
  }
  // Same token and same request → the original reservation; a different request → mismatch.
  if (clientToken !== undefined) {
    const fingerprint = params.canonical(['ClientToken', 'DryRun', 'Action', 'Version']);
    const previous = tokenTable(state)[clientToken];
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new Ec2ApiError(
          'IdempotentParameterMismatch',
          'The client token you have provided is associated with a resource that is already deleted or with different parameters.',
        );
      }
      ctx.gate();
      const launched = previous.instanceIds
        .map((id) => instances.in(state).get(id))
        .filter((i): i is InstanceRecord => i !== undefined);
      const [reservation] = reservationsWire(launched, region);
      return (
        reservation ?? {
          reservationId: previous.reservationId,
          ownerId: store.accountId,
          groupSet: [],
          instancesSet: [],
        }
      );
    }
  }

  const launch = applyLaunchTemplate(state, params);
  const p = launch?.params ?? params;
  const imageId = p.requiredString('ImageId');
  const typeName = p.string('InstanceType') ?? DEFAULT_INSTANCE_TYPE;
  const type = findInstanceType(typeName);
  if (!type) throw invalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
  const image = resolveImage(ctx, imageId);
  if (type.architecture !== image.architecture) {
    throw invalidParameterValue(
      `The architecture '${type.architecture}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );
  }
  if (maxCount > MAX_INSTANCES_PER_REQUEST) {
    throw new Ec2ApiError(
      'InstanceLimitExceeded',
      `You have requested more instances (${maxCount}) than your current instance limit of ${MAX_INSTANCES_PER_REQUEST} allows for the specified instance type.`,
    );
  }
  const subnet = resolveSubnet(ctx, p);
  const groups = resolveGroups(ctx, p, subnet);
  const keyName = p.string('KeyName');
  if (keyName !== undefined && ![...keyPairs.in(state).values()].some((k) => k.keyName === keyName)) {
    throw new Ec2ApiError('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
  }
  const profile = readInstanceProfile(p, store.accountId);
  const metadataOptions = readMetadataOptions(p);
  const volumesPlan = planVolumes(image, readBlockDeviceMappings(p));
  const tagSpecs = readTagSpecifications(p, ['instance', 'volume', 'network-interface']);
  const userData = p.string('UserData');
  if (userData !== undefined && userData.length > 21_848) {
    throw invalidParameterValue('User data is limited to 16384 bytes');
  }
  const monitoring = p.child('Monitoring')?.boolean('Enabled') ?? false;
  const ebsOptimized = p.boolean('EbsOptimized') ?? true;
  const disableApiTermination = p.boolean('DisableApiTermination') ?? false;
  p.oneOf('InstanceInitiatedShutdownBehavior', ['stop', 'terminate']);
  const wantsPublicIp =
    p.list('NetworkInterface')[0]?.boolean('AssociatePublicIpAddress') ?? subnet.mapPublicIpOnLaunch;
  if (wantsPublicIp) requireInternetGateway(state, subnet.vpcId);
  const count = Math.min(maxCount, availableIpCount(subnet));
  if (count < minCount) {
    throw new Ec2ApiError(
      'InsufficientFreeAddressesInSubnet',
      `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
    );
  }
  ctx.gate();
  // DescribeImageAttribute lastLaunchedTime: retention asks whether a shared image is still used.
  image.lastLaunchedTime = now;

  const reservationId = newId(ID_KINDS.reservation);
  const instanceTags: Tag[] = [...(tagSpecs.get('instance') ?? [])];
  // EC2 marks instances launched from a template with these system tags.
  if (launch) {
    instanceTags.push(
      { key: 'aws:ec2launchtemplate:id', value: launch.templateId },
      { key: 'aws:ec2launchtemplate:version', value: String(launch.version) },
    );
  }
  const volumeTags: Tag[] = tagSpecs.get('volume') ?? [];
  const cores = type.architecture === 'arm64' || type.vcpus === 1 ? type.vcpus : type.vcpus / 2;
  const launched: InstanceRecord[] = [];
  for (let index = 0; index < count; index += 1) {
    const instanceId = newId(ID_KINDS.instance);
    const publicIp = wantsPublicIp ? randomPublicIp() : undefined;
    const blockDevices = volumesPlan.map((plan) => {
      const volume = createAttachedVolume(state, {
        size: plan.size,
        volumeType: plan.volumeType,
        iops: plan.iops,
        throughput: plan.throughput,
        encrypted: plan.encrypted,
        snapshotId: plan.snapshotId,
        availabilityZone: subnet.availabilityZone,
        instanceId,
        device: plan.device,
        deleteOnTermination: plan.deleteOnTermination,
        tags: volumeTags,
        now,
      });
      return {
        deviceName: plan.device,
        volumeId: volume.id,
        deleteOnTermination: plan.deleteOnTermination,
        attachTime: now,
      };
    });
    const instance: InstanceRecord = {
      id: instanceId,
      tags: instanceTags.map((t) => ({ ...t })),
      reservationId,
      ownerId: store.accountId,
      imageId: image.id,
      instanceType: type.name,
      architecture: type.architecture,
      keyName,
      launchTime: now,
      state: 'pending',
      stateSince: now,
      stateReason: { code: 'pending', message: 'pending' },
      stateTransitionReason: '',
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      privateIpAddress: allocatePrivateIp(subnet),
      publicIpAddress: publicIp,
      hadPublicIp: publicIp !== undefined,
      macAddress: randomMac(),
      networkInterfaceId: newId(ID_KINDS.networkInterface),
      securityGroups: groups,
      iamInstanceProfile: profile,
      blockDevices,
      rootDeviceName: image.rootDeviceName,
      clientToken,
      amiLaunchIndex: index,
      ebsOptimized,
      monitoring,
      metadataOptions,
      platformDetails: image.platformDetails,
      userData,
      cpuCores: cores,
      threadsPerCore: type.vcpus / cores,
      disableApiTermination,
    };
    instances.in(state).set(instanceId, instance);
    launched.push(instance);
  }
  if (clientToken !== undefined) {
    tokenTable(state)[clientToken] = {
      fingerprint: params.canonical(['ClientToken', 'DryRun', 'Action', 'Version']),
      reservationId,
      instanceIds: launched.map((i) => i.id),
    };
  }
  state.wake(now + store.delays.instancePending);
  const [reservation] = reservationsWire(launched, region);
  return reservation as XmlObject;
});
