import { Ec2ApiError } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, newId, resolveIds } from '../ids';
import {
  type ImageBlockDevice,
  type ImageRecord,
  images,
  instances,
  type SnapshotRecord,
  snapshots,
  volumes,
} from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import { type RegionState, registerTicker } from '../store';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';
import { readBlockDeviceMappings, sizeFromSnapshot } from './block-devices';
import {
  assertDeregistrable,
  isHiddenAsDeprecated,
  launchableBy,
  protectionToWire,
} from './image-lifecycle-rules';
import { ownedBy, validateOwners, validateUsers, visibleTo } from './owners';
import { binImage, binSnapshot } from './recycle-bin-model';

/** Images and their snapshots: DescribeImages, CreateImage, DeregisterImage. */
export function imageToWire(image: ImageRecord): XmlObject {
  return {
    imageId: image.id,
    imageLocation: image.imageLocation,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    creationDate: new Date(image.creationDate).toISOString(),
    isPublic: image.isPublic,
    architecture: image.architecture,
    imageType: 'machine',
    platformDetails: image.platformDetails,
    usageOperation: 'RunInstances',
    imageOwnerAlias: image.ownerAlias,
    name: image.name,
    description: image.description,
    rootDeviceType: 'ebs',
    rootDeviceName: image.rootDeviceName,
    blockDeviceMapping: image.blockDevices.map(blockDeviceToWire),
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    enaSupport: image.enaSupport,
    sriovNetSupport: 'simple',
    bootMode: image.bootMode,
    stateReason: image.stateReason,
    tagSet: tagSet(image.tags),
    deprecationTime: image.deprecationTime ? new Date(image.deprecationTime).toISOString() : undefined,
    imdsSupport: 'v2.0',
    sourceInstanceId: image.sourceInstanceId,
    deregistrationProtection: protectionToWire(image),
    lastLaunchedTime: image.lastLaunchedTime ? new Date(image.lastLaunchedTime).toISOString() : undefined,
    sourceImageId: image.sourceImageId,
    sourceImageRegion: image.sourceImageRegion,
  };
}

function blockDeviceToWire(device: ImageBlockDevice): XmlObject {
  return {
    deviceName: device.deviceName,
    ebs: {
      deleteOnTermination: device.deleteOnTermination,
      iops: device.iops,
      snapshotId: device.snapshotId,
      volumeSize: device.volumeSize,
      volumeType: device.volumeType,
      throughput: device.throughput,
      encrypted: device.encrypted,
    },
  };
}

const IMAGE_FILTERS: FilterFields<ImageRecord> = {
  architecture: (i) => i.architecture,
  'block-device-mapping.delete-on-termination': (i) => i.blockDevices.map((d) => d.deleteOnTermination),
  'block-device-mapping.device-name': (i) => i.blockDevices.map((d) => d.deviceName),
  'block-device-mapping.snapshot-id': (i) => i.blockDevices.map((d) => d.snapshotId),
  'block-device-mapping.volume-size': (i) => i.blockDevices.map((d) => d.volumeSize),
  'block-device-mapping.volume-type': (i) => i.blockDevices.map((d) => d.volumeType),
  'block-device-mapping.encrypted': (i) => i.blockDevices.map((d) => d.encrypted),
  'creation-date': (i) => new Date(i.creationDate).toISOString(),
  description: (i) => i.description,
  'ena-support': (i) => i.enaSupport,
  hypervisor: () => 'xen',
  'image-id': (i) => i.id,
  'image-type': () => 'machine',
  'is-public': (i) => i.isPublic,
  name: (i) => i.name,
  'owner-alias': (i) => i.ownerAlias,
  'owner-id': (i) => i.ownerId,
  'platform-details': (i) => i.platformDetails,
  'root-device-name': (i) => i.rootDeviceName,
  'root-device-type': () => 'ebs',
  'source-instance-id': (i) => i.sourceInstanceId,
  state: (i) => i.state,
  'state-reason-code': (i) => i.stateReason?.code,
  'state-reason-message': (i) => i.stateReason?.message,
  'virtualization-type': () => 'hvm',
};

readAction('DescribeImages', ({ params, state, store, action, now }) => {
  const owners = params.strings('Owner');
  const users = params.strings('ExecutableBy');
  const ids = params.strings('ImageId');
  const includeDeprecated = params.boolean('IncludeDeprecated') ?? false;
  validateOwners(owners);
  validateUsers(users);
  const filters = readFilters(params);
  const page = readPagination(params, action);
  if (page.maxResults !== undefined && ids.length > 0) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'The parameter imageIdsSet cannot be used with the parameter maxResults',
    );
  }
  const account = store.accountId;
  const all = images.in(state);
  let selected: ImageRecord[];
  if (ids.length > 0) {
    selected = resolveIds(ID_KINDS.image, ids, (id) => {
      const image = all.get(id);
      return image && visibleTo(image, account) ? image : undefined;
    });
  } else {
    selected = [...all.values()].filter((image) => visibleTo(image, account));
  }
  if (owners.length > 0) selected = selected.filter((image) => ownedBy(image, owners, account));
  if (users.length > 0) selected = selected.filter((image) => launchableBy(image, users, account));
  // EC2 hides other owners' deprecated images unless asked for them or named by id.
  if (!includeDeprecated && ids.length === 0) {
    selected = selected.filter((image) => !isHiddenAsDeprecated(image, account, now));
  }
  const kept = applyFilters(selected, filters, IMAGE_FILTERS);
  const result = paginate(kept, page, action);
  return { imagesSet: result.items.map(imageToWire), nextToken: result.nextToken };
});

const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;

writeAction('CreateImage', ({ params, state, store, now, gate }) => {
  const instanceId = params.requiredString('InstanceId');
  const name = params.requiredString('Name');
  const description = params.string('Description');
  params.boolean('NoReboot');
  const mappings = readBlockDeviceMappings(params);
  const tagSpecs = readTagSpecifications(params, ['image', 'snapshot']);
  const [instance] = resolveIds(ID_KINDS.instance, [instanceId], (id) => instances.in(state).get(id));
  if (
    !instance ||
    (instance.state !== 'running' && instance.state !== 'stopped' && instance.state !== 'stopping')
  ) {
    throw new Ec2ApiError(
      'IncorrectInstanceState',
      `The instance '${instanceId}' is not in a state from which it can be imaged.`,
    );
  }
  if (!AMI_NAME.test(name)) {
    throw new Ec2ApiError(
      'InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`,
    );
  }
  for (const image of images.in(state).values()) {
    if (image.ownerId === store.accountId && image.name === name) {
      throw new Ec2ApiError(
        'InvalidAMIName.Duplicate',
        `AMI name ${name} is already in use by AMI ${image.id}`,
      );
    }
  }
  if (description !== undefined && description.length > 255) {
    throw new Ec2ApiError('InvalidParameterValue', 'The description must be at most 255 characters long.');
  }
  // Plan the image's devices: the instance's volumes, overridden or removed by the mappings,
  // plus any new empty volumes the mappings add.
  interface PlannedDevice {
    device: ImageBlockDevice;
    fromVolume?: string;
  }
  const planned: PlannedDevice[] = [];
  for (const attached of instance.blockDevices) {
    const volume = volumes.in(state).get(attached.volumeId);
    if (!volume) continue;
    const override = mappings.find((m) => m.deviceName === attached.deviceName);
    if (override?.noDevice) continue;
    const ebs = override?.ebs ?? {};
    const size = sizeFromSnapshot(ebs, volume);
    planned.push({
      fromVolume: volume.id,
      device: {
        deviceName: attached.deviceName,
        volumeSize: size,
        volumeType: ebs.volumeType ?? volume.volumeType,
        deleteOnTermination: ebs.deleteOnTermination ?? attached.deleteOnTermination,
        encrypted: volume.encrypted,
        iops: ebs.iops ?? volume.iops,
        throughput: ebs.throughput ?? volume.throughput,
      },
    });
  }
  for (const mapping of mappings) {
    if (mapping.noDevice || planned.some((p) => p.device.deviceName === mapping.deviceName)) continue;
    if (instance.blockDevices.some((d) => d.deviceName === mapping.deviceName)) continue;
    if (!mapping.ebs) continue;
    if (mapping.ebs.volumeSize === undefined && mapping.ebs.snapshotId === undefined) {
      throw new Ec2ApiError(
        'InvalidBlockDeviceMapping',
        `The volume size or a snapshot must be given for ${mapping.deviceName}`,
      );
    }
    planned.push({
      device: {
        deviceName: mapping.deviceName,
        volumeSize: mapping.ebs.volumeSize ?? 8,
        volumeType: mapping.ebs.volumeType ?? 'gp3',
        deleteOnTermination: mapping.ebs.deleteOnTermination ?? true,
        encrypted: mapping.ebs.encrypted ?? false,
        iops: mapping.ebs.iops,
        throughput: mapping.ebs.throughput,
        snapshotId: mapping.ebs.snapshotId,
      },
    });
  }

  gate();
  const imageId = newId(ID_KINDS.image);
  const imageTags = tagSpecs.get('image') ?? [];
  const snapshotTags = tagSpecs.get('snapshot') ?? [];
  const devices: ImageBlockDevice[] = [];
  for (const { device, fromVolume } of planned) {
    if (fromVolume) {
      const snapshot = pendingSnapshot({
        tags: snapshotTags,
        volumeId: fromVolume,
        volumeSize: device.volumeSize,
        ownerId: store.accountId,
        now,
        description: `Created by CreateImage(${instanceId}) for ${imageId}`,
        encrypted: device.encrypted,
      });
      snapshots.in(state).set(snapshot.id, snapshot);
      devices.push({ ...device, snapshotId: snapshot.id });
    } else {
      devices.push(device);
    }
  }
  const image: ImageRecord = {
    id: imageId,
    tags: imageTags.map((t) => ({ ...t })),
    name,
    description,
    ownerId: store.accountId,
    isPublic: false,
    state: 'pending',
    stateSince: now,
    architecture: instance.architecture,
    creationDate: now,
    rootDeviceName: instance.rootDeviceName,
    blockDevices: devices,
    sourceInstanceId: instanceId,
    platformDetails: instance.platformDetails,
    imageLocation: `${store.accountId}/${name}`,
    enaSupport: true,
    bootMode: 'uefi-preferred',
  };
  images.in(state).set(imageId, image);
  state.wake(now + Math.min(store.delays.imagePending, store.delays.snapshotPending));
  return { imageId };
});

writeAction('DeregisterImage', ({ params, state, store, now, gate }) => {
  const imageId = params.requiredString('ImageId');
  const deleteSnapshots = params.boolean('DeleteAssociatedSnapshots') ?? false;
  const [image] = resolveIds(ID_KINDS.image, [imageId], (id) => {
    const found = images.in(state).get(id);
    return found && visibleTo(found, store.accountId) ? found : undefined;
  });
  if (!image) throw new Error('unreachable');
  if (image.ownerId !== store.accountId) {
    throw new Ec2ApiError('AuthFailure', `Not authorized for image:${imageId}`, 403);
  }
  assertDeregistrable(image, now);
  gate();
  images.in(state).delete(imageId);
  // A matching Recycle Bin rule keeps what is deleted, recoverable until its retention ends.
  binImage(state, image, now);
  if (deleteSnapshots) {
    for (const device of image.blockDevices) {
      const snapshot = device.snapshotId ? snapshots.in(state).get(device.snapshotId) : undefined;
      if (!snapshot || snapshotInUse(state, snapshot.id)) continue;
      snapshots.in(state).delete(snapshot.id);
      binSnapshot(state, snapshot, now);
    }
  }
  return { return: true };
});

/** A snapshot CreateImage or CopyImage starts: pending until the ticker completes it. */
export function pendingSnapshot(input: {
  tags: readonly { key: string; value: string }[];
  volumeId: string;
  volumeSize: number;
  ownerId: string;
  now: number;
  description: string;
  encrypted: boolean;
  kmsKeyId?: string | undefined;
}): SnapshotRecord {
  return {
    id: newId(ID_KINDS.snapshot),
    tags: input.tags.map((t) => ({ ...t })),
    volumeId: input.volumeId,
    volumeSize: input.volumeSize,
    ownerId: input.ownerId,
    isPublic: false,
    state: 'pending',
    startTime: input.now,
    stateSince: input.now,
    description: input.description,
    encrypted: input.encrypted,
    kmsKeyId: input.kmsKeyId,
  };
}

/** The image that keeps a snapshot from being deleted, if any. */
export function snapshotInUse(state: RegionState, snapshotId: string): ImageRecord | undefined {
  for (const image of images.in(state).values()) {
    if (image.blockDevices.some((d) => d.snapshotId === snapshotId)) return image;
  }
  return undefined;
}

// pending images become available (unless held by the control endpoint), pending snapshots complete.
registerTicker((state, now, store) => {
  let next: number | undefined;
  const due = (at: number) => {
    if (next === undefined || at < next) next = at;
  };
  for (const snapshot of snapshots.in(state).values()) {
    if (snapshot.state !== 'pending') continue;
    const at = snapshot.stateSince + store.delays.snapshotPending;
    if (at <= now) {
      snapshot.state = 'completed';
      snapshot.stateSince = at;
    } else due(at);
  }
  for (const image of images.in(state).values()) {
    if (image.state !== 'pending' || image.held) continue;
    const at = image.stateSince + store.delays.imagePending;
    if (at <= now) {
      image.state = 'available';
      image.stateSince = at;
    } else due(at);
  }
  return next;
});
