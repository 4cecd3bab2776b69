import { Ec2ApiError } from '../errors';
import { ID_KINDS, notFound, resolveIds } from '../ids';
import { images, snapshots } from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import { registerTicker } from '../store';
import { binnedImages, binnedSnapshots } from './recycle-bin-model';

/**
 * EC2's side of the Recycle Bin: list and restore what DeregisterImage and DeleteSnapshot put in
 * the bin. Expired entries are gone for good (the ticker below).
 */
readAction('ListImagesInRecycleBin', ({ params, state, action }) => {
  const ids = params.strings('ImageId');
  const page = readPagination(params, action);
  const all = [...binnedImages.in(state).values()].filter((b) => ids.length === 0 || ids.includes(b.id));
  const result = paginate(all, page, action);
  return {
    imageSet: result.items.map((b) => ({
      imageId: b.id,
      name: b.image.name,
      description: b.image.description,
      recycleBinEnterTime: new Date(b.enteredAt),
      recycleBinExitTime: new Date(b.exitsAt),
    })),
    nextToken: result.nextToken,
  };
});

readAction('ListSnapshotsInRecycleBin', ({ params, state, action }) => {
  const ids = params.strings('SnapshotId');
  const page = readPagination(params, action);
  const all = [...binnedSnapshots.in(state).values()].filter((b) => ids.length === 0 || ids.includes(b.id));
  const result = paginate(all, page, action);
  return {
    snapshotSet: result.items.map((b) => ({
      snapshotId: b.id,
      recycleBinEnterTime: new Date(b.enteredAt),
      recycleBinExitTime: new Date(b.exitsAt),
      description: b.snapshot.description,
      volumeId: b.snapshot.volumeId,
    })),
    nextToken: result.nextToken,
  };
});

writeAction('RestoreSnapshotFromRecycleBin', ({ params, state, gate }) => {
  const snapshotId = params.requiredString('SnapshotId');
  const [binned] = resolveIds(ID_KINDS.snapshot, [snapshotId], (id) => binnedSnapshots.in(state).get(id));
  if (!binned) throw new Error('unreachable');
  gate();
  binnedSnapshots.in(state).delete(snapshotId);
  snapshots.in(state).set(snapshotId, binned.snapshot);
  const s = binned.snapshot;
  return {
    snapshotId: s.id,
    description: s.description,
    encrypted: s.encrypted,
    ownerId: s.ownerId,
    progress: s.state === 'completed' ? '100%' : '0%',
    startTime: new Date(s.startTime),
    status: s.state,
    volumeId: s.volumeId,
    volumeSize: s.volumeSize,
  };
});

writeAction('RestoreImageFromRecycleBin', ({ params, state, gate }) => {
  const imageId = params.requiredString('ImageId');
  const [binned] = resolveIds(ID_KINDS.image, [imageId], (id) => binnedImages.in(state).get(id));
  if (!binned) throw new Error('unreachable');
  // An image comes back only with its snapshots: those still in the bin must be restored first.
  for (const device of binned.image.blockDevices) {
    if (!device.snapshotId || snapshots.in(state).has(device.snapshotId)) continue;
    if (binnedSnapshots.in(state).has(device.snapshotId)) {
      throw new Ec2ApiError(
        'IncorrectState',
        `The snapshot ${device.snapshotId} of image ${imageId} is in the Recycle Bin: restore it first.`,
      );
    }
    throw notFound(ID_KINDS.snapshot, [device.snapshotId]);
  }
  gate();
  binnedImages.in(state).delete(imageId);
  images.in(state).set(imageId, { ...binned.image, state: 'available' });
  return { return: true };
});

registerTicker((state, now) => {
  let next: number | undefined;
  for (const bin of [binnedImages.in(state), binnedSnapshots.in(state)]) {
    for (const [id, entry] of bin) {
      if (entry.exitsAt <= now) bin.delete(id);
      else if (next === undefined || entry.exitsAt < next) next = entry.exitsAt;
    }
  }
  return next;
});
