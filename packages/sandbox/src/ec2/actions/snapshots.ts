import { Ec2ApiError } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, resolveIds } from '../ids';
import { type SnapshotRecord, snapshots } from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import { tagSet } from '../tags';
import type { XmlObject } from '../xml';
import { snapshotInUse } from './images';
import { ownedBy, usableBy, validateOwners, validateUsers, visibleTo } from './owners';
import { binSnapshot } from './recycle-bin-model';

/** DescribeSnapshots and DeleteSnapshot. Snapshots are made by CreateImage (and the seed). */
export function snapshotToWire(snapshot: SnapshotRecord): XmlObject {
  return {
    snapshotId: snapshot.id,
    volumeId: snapshot.volumeId,
    status: snapshot.state,
    startTime: new Date(snapshot.startTime),
    progress: snapshot.state === 'completed' ? '100%' : '0%',
    ownerId: snapshot.ownerId,
    ownerAlias: snapshot.ownerAlias,
    volumeSize: snapshot.volumeSize,
    description: snapshot.description,
    encrypted: snapshot.encrypted,
    kmsKeyId: snapshot.kmsKeyId,
    storageTier: 'standard',
    tagSet: tagSet(snapshot.tags),
  };
}

const SNAPSHOT_FILTERS: FilterFields<SnapshotRecord> = {
  description: (s) => s.description,
  encrypted: (s) => s.encrypted,
  'owner-alias': (s) => s.ownerAlias,
  'owner-id': (s) => s.ownerId,
  progress: (s) => (s.state === 'completed' ? '100%' : '0%'),
  'snapshot-id': (s) => s.id,
  'start-time': (s) => new Date(s.startTime).toISOString(),
  status: (s) => s.state,
  'storage-tier': () => 'standard',
  'volume-id': (s) => s.volumeId,
  'volume-size': (s) => s.volumeSize,
};

readAction('DescribeSnapshots', ({ params, state, store, action }) => {
  const owners = params.strings('Owner');
  const restorableBy = params.strings('RestorableBy');
  const ids = params.strings('SnapshotId');
  validateOwners(owners);
  validateUsers(restorableBy);
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const account = store.accountId;
  const all = snapshots.in(state);
  let selected =
    ids.length > 0
      ? resolveIds(ID_KINDS.snapshot, ids, (id) => {
          const found = all.get(id);
          return found && visibleTo(found, account) ? found : undefined;
        })
      : [...all.values()].filter((s) => visibleTo(s, account));
  if (owners.length > 0) selected = selected.filter((s) => ownedBy(s, owners, account));
  if (restorableBy.length > 0) selected = selected.filter((s) => usableBy(s, restorableBy, account));
  const result = paginate(applyFilters(selected, filters, SNAPSHOT_FILTERS), page, action);
  return { snapshotSet: result.items.map(snapshotToWire), nextToken: result.nextToken };
});

writeAction('DeleteSnapshot', ({ params, state, store, now, gate }) => {
  const snapshotId = params.requiredString('SnapshotId');
  const [snapshot] = resolveIds(ID_KINDS.snapshot, [snapshotId], (id) => {
    const found = snapshots.in(state).get(id);
    return found && visibleTo(found, store.accountId) ? found : undefined;
  });
  if (snapshot && snapshot.ownerId !== store.accountId) {
    throw new Ec2ApiError(
      'UnauthorizedOperation',
      `You are not authorized to delete snapshot ${snapshotId}.`,
      403,
    );
  }
  const user = snapshotInUse(state, snapshotId);
  if (user) {
    throw new Ec2ApiError(
      'InvalidSnapshot.InUse',
      `The snapshot ${snapshotId} is currently in use by ${user.id}`,
    );
  }
  gate();
  snapshots.in(state).delete(snapshotId);
  if (snapshot) binSnapshot(state, snapshot, now);
  return { return: true };
});
