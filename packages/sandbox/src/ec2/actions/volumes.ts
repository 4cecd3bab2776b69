import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, newId, resolveIds } from '../ids';
import { type VolumeRecord, volumes } from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction } from '../registry';
import type { RegionState, Tag } from '../store';
import { tagSet } from '../tags';
import type { XmlObject } from '../xml';
import { defaultIops, defaultThroughput } from './block-devices';

/** EBS volumes: created with instances (RunInstances), listed by DescribeVolumes. */
export function createAttachedVolume(
  state: RegionState,
  spec: {
    size: number;
    volumeType: string;
    iops?: number;
    throughput?: number;
    encrypted: boolean;
    snapshotId?: string;
    availabilityZone: string;
    instanceId: string;
    device: string;
    deleteOnTermination: boolean;
    tags: Tag[];
    now: number;
  },
): VolumeRecord {
  const volume: VolumeRecord = {
    id: newId(ID_KINDS.volume),
    tags: spec.tags.map((t) => ({ ...t })),
    size: spec.size,
    volumeType: spec.volumeType,
    iops: spec.iops ?? defaultIops(spec.volumeType, spec.size),
    throughput: spec.throughput ?? defaultThroughput(spec.volumeType),
    encrypted: spec.encrypted,
    availabilityZone: spec.availabilityZone,
    snapshotId: spec.snapshotId,
    createTime: spec.now,
    state: 'in-use',
    attachment: {
      instanceId: spec.instanceId,
      device: spec.device,
      attachTime: spec.now,
      deleteOnTermination: spec.deleteOnTermination,
    },
  };
  volumes.in(state).set(volume.id, volume);
  return volume;
}

function volumeToWire(volume: VolumeRecord): XmlObject {
  return {
    volumeId: volume.id,
    size: volume.size,
    snapshotId: volume.snapshotId ?? '',
    availabilityZone: volume.availabilityZone,
    status: volume.state,
    createTime: new Date(volume.createTime),
    attachmentSet: volume.attachment
      ? [
          {
            volumeId: volume.id,
            instanceId: volume.attachment.instanceId,
            device: volume.attachment.device,
            status: 'attached',
            attachTime: new Date(volume.attachment.attachTime),
            deleteOnTermination: volume.attachment.deleteOnTermination,
          },
        ]
      : [],
    volumeType: volume.volumeType,
    iops: volume.iops,
    throughput: volume.throughput,
    encrypted: volume.encrypted,
    multiAttachEnabled: false,
    tagSet: tagSet(volume.tags),
  };
}

const VOLUME_FILTERS: FilterFields<VolumeRecord> = {
  'attachment.attach-time': (v) =>
    v.attachment ? new Date(v.attachment.attachTime).toISOString() : undefined,
  'attachment.delete-on-termination': (v) => v.attachment?.deleteOnTermination,
  'attachment.device': (v) => v.attachment?.device,
  'attachment.instance-id': (v) => v.attachment?.instanceId,
  'attachment.status': (v) => (v.attachment ? 'attached' : undefined),
  'availability-zone': (v) => v.availabilityZone,
  'create-time': (v) => new Date(v.createTime).toISOString(),
  encrypted: (v) => v.encrypted,
  'multi-attach-enabled': () => false,
  size: (v) => v.size,
  'snapshot-id': (v) => v.snapshotId,
  status: (v) => v.state,
  'volume-id': (v) => v.id,
  'volume-type': (v) => v.volumeType,
};

readAction('DescribeVolumes', ({ params, state, action }) => {
  const ids = params.strings('VolumeId');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const all = volumes.in(state);
  const list = ids.length > 0 ? resolveIds(ID_KINDS.volume, ids, (id) => all.get(id)) : [...all.values()];
  const result = paginate(applyFilters(list, filters, VOLUME_FILTERS), page, action);
  return { volumeSet: result.items.map(volumeToWire), nextToken: result.nextToken };
});
