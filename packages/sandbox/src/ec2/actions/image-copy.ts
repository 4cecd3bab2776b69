import { Ec2ApiError, invalidParameterCombination, invalidParameterValue } from '../errors';
import { ID_KINDS, newId, resolveIds } from '../ids';
import { type ImageBlockDevice, type ImageRecord, images, snapshots } from '../model';
import { REGIONS } from '../regions';
import { writeAction } from '../registry';
import { readTagSpecifications } from '../tags';
import { pendingSnapshot } from './images';
import { visibleTo } from './owners';

/**
 * CopyImage, called in the destination region: the copy and its snapshots start `pending` there
 * and become available through the images area's ticker, like a CreateImage result.
 */
const KMS_KEY =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[0-9a-f-]{36})$/;

writeAction('CopyImage', ({ params, state, store, now, gate }) => {
  const sourceRegion = params.requiredString('SourceRegion');
  const sourceImageId = params.requiredString('SourceImageId');
  const name = params.requiredString('Name');
  const description = params.string('Description');
  const encrypted = params.boolean('Encrypted') ?? false;
  const kmsKeyId = params.string('KmsKeyId');
  const copyTags = params.boolean('CopyImageTags') ?? false;
  const clientToken = params.string('ClientToken');
  const tagSpecs = readTagSpecifications(params, ['image', 'snapshot']);
  if (!REGIONS.includes(sourceRegion)) {
    throw invalidParameterValue(`Invalid source region: ${sourceRegion}`);
  }
  if (kmsKeyId !== undefined && !encrypted) {
    throw invalidParameterCombination('KmsKeyId can only be specified when Encrypted is true');
  }
  if (kmsKeyId !== undefined && !KMS_KEY.test(kmsKeyId)) {
    throw new Ec2ApiError('InvalidKMSKey.InvalidState', `The KMS key ${kmsKeyId} is not valid.`);
  }
  if (!state.extra.copyImageTokens) state.extra.copyImageTokens = {};
  const tokens = state.extra.copyImageTokens as Record<string, string>;
  if (clientToken !== undefined) {
    const earlier = tokens[clientToken];
    if (earlier && images.in(state).has(earlier)) return { imageId: earlier };
  }
  const sourceState = store.region(sourceRegion);
  store.advance(sourceState);
  const [source] = resolveIds(ID_KINDS.image, [sourceImageId], (id) => {
    const found = images.in(sourceState).get(id);
    return found && visibleTo(found, store.accountId) ? found : undefined;
  });
  if (!source) throw new Error('unreachable');
  if (source.state !== 'available') {
    throw new Ec2ApiError(
      'IncorrectState',
      `Image ${sourceImageId} is in state '${source.state}': only available images can be copied.`,
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

  gate();
  const imageId = newId(ID_KINDS.image);
  const snapshotTags = tagSpecs.get('snapshot') ?? [];
  const devices: ImageBlockDevice[] = source.blockDevices.map((device) => {
    if (!device.snapshotId) return { ...device };
    const snapshot = pendingSnapshot({
      tags: snapshotTags,
      // EC2 gives copied snapshots this placeholder volume id.
      volumeId: 'vol-ffffffff',
      volumeSize: device.volumeSize,
      ownerId: store.accountId,
      now,
      description: `Copied for DestinationAmi ${imageId} from SourceAmi ${sourceImageId} for SourceSnapshot ${device.snapshotId}`,
      encrypted: encrypted || device.encrypted,
      kmsKeyId: encrypted ? (kmsKeyId ?? 'alias/aws/ebs') : undefined,
    });
    snapshots.in(state).set(snapshot.id, snapshot);
    return { ...device, snapshotId: snapshot.id, encrypted: snapshot.encrypted };
  });
  const userTags = copyTags ? source.tags.filter((t) => !t.key.startsWith('aws:')) : [];
  const image: ImageRecord = {
    ...source,
    id: imageId,
    tags: [...userTags, ...(tagSpecs.get('image') ?? [])].map((t) => ({ ...t })),
    name,
    description,
    ownerId: store.accountId,
    ownerAlias: undefined,
    isPublic: false,
    state: 'pending',
    stateSince: now,
    held: undefined,
    stateReason: undefined,
    creationDate: now,
    blockDevices: devices,
    imageLocation: `${store.accountId}/${name}`,
    deprecationTime: undefined,
    launchPermissions: undefined,
    deregistrationProtection: undefined,
    lastLaunchedTime: undefined,
    sourceInstanceId: undefined,
    sourceImageId: source.id,
    sourceImageRegion: sourceRegion,
  };
  images.in(state).set(imageId, image);
  if (clientToken !== undefined) tokens[clientToken] = imageId;
  state.wake(now + Math.min(store.delays.imagePending, store.delays.snapshotPending));
  return { imageId };
});
