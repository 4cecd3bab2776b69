import { Ec2ApiError } from '../errors';
import { ID_KINDS, resolveIds } from '../ids';
import { type LaunchPermission, snapshots } from '../model';
import type { Params } from '../query';
import { type ActionContext, readAction, writeAction } from '../registry';
import type { XmlObject } from '../xml';
import { ownImage } from './image-lifecycle';
import { samePermission } from './image-lifecycle-rules';
import { imageToWire } from './images';

/**
 * Image and snapshot attributes: who may launch an image (accounts, the organisation, OUs,
 * `all`), when it was last launched, and who may create volumes from a snapshot.
 */
const IMAGE_ATTRIBUTES = [
  'description',
  'kernel',
  'ramdisk',
  'launchPermission',
  'productCodes',
  'blockDeviceMapping',
  'sriovNetSupport',
  'bootMode',
  'tpmSupport',
  'uefiData',
  'lastLaunchedTime',
  'imdsSupport',
] as const;

const ACCOUNT = /^[0-9]{12}$/;
const ORG_ARN = /^arn:aws[a-z-]*:organizations::[0-9]{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN =
  /^arn:aws[a-z-]*:organizations::[0-9]{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;

function invalidItem(value: string): Ec2ApiError {
  return new Ec2ApiError(
    'InvalidAMIAttributeItemValue',
    `Invalid attribute item value "${value}" for launchPermission item type.`,
  );
}

function checked(permission: LaunchPermission): LaunchPermission {
  const { userId, group, organizationArn, organizationalUnitArn } = permission;
  if (userId !== undefined && !ACCOUNT.test(userId)) throw invalidItem(userId);
  if (group !== undefined && group !== 'all') throw invalidItem(group);
  if (organizationArn !== undefined && !ORG_ARN.test(organizationArn)) throw invalidItem(organizationArn);
  if (organizationalUnitArn !== undefined && !OU_ARN.test(organizationalUnitArn)) {
    throw invalidItem(organizationalUnitArn);
  }
  return permission;
}

function readPermission(item: Params): LaunchPermission {
  const permission: LaunchPermission = {};
  const userId = item.string('UserId');
  const group = item.string('Group');
  const organizationArn = item.string('OrganizationArn');
  const organizationalUnitArn = item.string('OrganizationalUnitArn');
  if (userId !== undefined) permission.userId = userId;
  if (group !== undefined) permission.group = group as 'all';
  if (organizationArn !== undefined) permission.organizationArn = organizationArn;
  if (organizationalUnitArn !== undefined) permission.organizationalUnitArn = organizationalUnitArn;
  return checked(permission);
}

/** Both of EC2's spellings: `LaunchPermission.Add.N.*` / `.Remove.N.*`, or `OperationType` with flat lists. */
function readLaunchPermissionChanges(params: Params): {
  add: LaunchPermission[];
  remove: LaunchPermission[];
} {
  const structured = params.child('LaunchPermission');
  const add = structured?.list('Add').map(readPermission) ?? [];
  const remove = structured?.list('Remove').map(readPermission) ?? [];
  const operation = params.oneOf('OperationType', ['add', 'remove'] as const);
  const flat: LaunchPermission[] = [
    ...params.strings('UserId').map((userId) => ({ userId })),
    ...params.strings('UserGroup').map((group) => ({ group: group as 'all' })),
    ...params.strings('OrganizationArn').map((organizationArn) => ({ organizationArn })),
    ...params.strings('OrganizationalUnitArn').map((organizationalUnitArn) => ({ organizationalUnitArn })),
  ].map(checked);
  if (flat.length > 0) {
    if (!operation)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter OperationType');
    (operation === 'add' ? add : remove).push(...flat);
  }
  return { add, remove };
}

function permissionToWire(permission: LaunchPermission): XmlObject {
  return {
    group: permission.group,
    userId: permission.userId,
    organizationArn: permission.organizationArn,
    organizationalUnitArn: permission.organizationalUnitArn,
  };
}

readAction('DescribeImageAttribute', (ctx) => {
  const imageId = ctx.params.requiredString('ImageId');
  const attribute = ctx.params.oneOf('Attribute', IMAGE_ATTRIBUTES);
  if (!attribute)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter Attribute');
  const image = ownImage(ctx, imageId);
  const wire = imageToWire(image);
  const value = (v: string | undefined): XmlObject | undefined =>
    v === undefined ? undefined : { value: v };
  const members: Record<(typeof IMAGE_ATTRIBUTES)[number], () => XmlObject> = {
    description: () => ({ description: value(image.description) }),
    kernel: () => ({}),
    ramdisk: () => ({}),
    launchPermission: () => ({ launchPermission: (image.launchPermissions ?? []).map(permissionToWire) }),
    productCodes: () => ({ productCodes: [] }),
    blockDeviceMapping: () => ({ blockDeviceMapping: wire.blockDeviceMapping }),
    sriovNetSupport: () => ({ sriovNetSupport: value('simple') }),
    bootMode: () => ({ bootMode: value(image.bootMode) }),
    tpmSupport: () => ({}),
    uefiData: () => ({}),
    lastLaunchedTime: () => ({
      lastLaunchedTime: value(
        image.lastLaunchedTime ? new Date(image.lastLaunchedTime).toISOString() : undefined,
      ),
    }),
    imdsSupport: () => ({ imdsSupport: value('v2.0') }),
  };
  return { imageId: image.id, ...members[attribute]() };
});

writeAction('ModifyImageAttribute', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  const attribute = ctx.params.string('Attribute');
  const description =
    ctx.params.child('Description')?.string('Value') ??
    (attribute === 'description' ? ctx.params.string('Value') : undefined);
  const { add, remove } = readLaunchPermissionChanges(ctx.params);
  if (attribute !== undefined && attribute !== 'launchPermission' && attribute !== 'description') {
    throw new Ec2ApiError('InvalidParameterValue', `Modifying the attribute ${attribute} is not supported.`);
  }
  if (description === undefined && add.length === 0 && remove.length === 0) {
    throw new Ec2ApiError('MissingParameter', 'The request must contain an attribute to modify');
  }
  if (description !== undefined && description.length > 255) {
    throw new Ec2ApiError('InvalidParameterValue', 'The description must be at most 255 characters long.');
  }
  ctx.gate();
  if (description !== undefined) image.description = description;
  let permissions = (image.launchPermissions ?? []).filter((p) => !remove.some((r) => samePermission(p, r)));
  for (const permission of add) {
    if (!permissions.some((p) => samePermission(p, permission))) permissions = [...permissions, permission];
  }
  image.launchPermissions = permissions.length > 0 ? permissions : undefined;
  image.isPublic = permissions.some((p) => p.group === 'all');
  return { return: true };
});

writeAction('ResetImageAttribute', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  const attribute = ctx.params.oneOf('Attribute', ['launchPermission'] as const);
  if (!attribute)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter Attribute');
  ctx.gate();
  image.launchPermissions = undefined;
  image.isPublic = false;
  return { return: true };
});

function ownSnapshot(ctx: ActionContext, snapshotId: string) {
  const [snapshot] = resolveIds(ID_KINDS.snapshot, [snapshotId], (id) => {
    const found = snapshots.in(ctx.state).get(id);
    return found && (found.ownerId === ctx.store.accountId || found.isPublic) ? found : undefined;
  });
  if (!snapshot) throw new Error('unreachable');
  if (snapshot.ownerId !== ctx.store.accountId) {
    throw new Ec2ApiError(
      'UnauthorizedOperation',
      `You are not authorized to modify snapshot ${snapshotId}.`,
      403,
    );
  }
  return snapshot;
}

writeAction('ModifySnapshotAttribute', (ctx) => {
  const snapshot = ownSnapshot(ctx, ctx.params.requiredString('SnapshotId'));
  const attribute = ctx.params.oneOf('Attribute', ['productCodes', 'createVolumePermission'] as const);
  if (attribute === 'productCodes') {
    throw new Ec2ApiError('InvalidParameterValue', 'Modifying the attribute productCodes is not supported.');
  }
  const structured = ctx.params.child('CreateVolumePermission');
  const read = (item: Params) => ({ userId: item.string('UserId'), group: item.string('Group') });
  const add = structured?.list('Add').map(read) ?? [];
  const remove = structured?.list('Remove').map(read) ?? [];
  const operation = ctx.params.oneOf('OperationType', ['add', 'remove'] as const);
  const flat = [
    ...ctx.params.strings('UserId').map((userId) => ({ userId, group: undefined })),
    ...ctx.params.strings('UserGroup').map((group) => ({ userId: undefined, group })),
  ];
  if (flat.length > 0) {
    if (!operation)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter OperationType');
    (operation === 'add' ? add : remove).push(...flat);
  }
  for (const { userId, group } of [...add, ...remove]) {
    if (userId !== undefined && !ACCOUNT.test(userId)) {
      throw new Ec2ApiError('InvalidUserID.Malformed', `Invalid user id: "${userId}"`);
    }
    if (group !== undefined && group !== 'all') {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid group: "${group}"`);
    }
  }
  if (add.length === 0 && remove.length === 0) {
    throw new Ec2ApiError(
      'MissingParameter',
      'The request must contain the parameter CreateVolumePermission',
    );
  }
  ctx.gate();
  const accounts = new Set(snapshot.createVolumePermissions ?? []);
  for (const { userId } of remove) if (userId) accounts.delete(userId);
  for (const { userId } of add) if (userId) accounts.add(userId);
  snapshot.createVolumePermissions = accounts.size > 0 ? [...accounts].sort() : undefined;
  if (remove.some((p) => p.group === 'all')) snapshot.isPublic = false;
  if (add.some((p) => p.group === 'all')) snapshot.isPublic = true;
  return { return: true };
});

readAction('DescribeSnapshotAttribute', (ctx) => {
  const snapshot = ownSnapshot(ctx, ctx.params.requiredString('SnapshotId'));
  const attribute = ctx.params.oneOf('Attribute', ['productCodes', 'createVolumePermission'] as const);
  if (!attribute)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter Attribute');
  if (attribute === 'productCodes') return { snapshotId: snapshot.id, productCodes: [] };
  const permissions: XmlObject[] = (snapshot.createVolumePermissions ?? []).map((userId) => ({ userId }));
  if (snapshot.isPublic) permissions.push({ group: 'all' });
  return { snapshotId: snapshot.id, createVolumePermission: permissions };
});
