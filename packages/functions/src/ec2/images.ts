import {
  CopyImageCommand,
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DisableImageDeregistrationProtectionCommand,
  type EC2Client,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  type Filter,
  type Image,
  type Instance,
  paginateDescribeImages,
  paginateDescribeInstances,
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeSnapshots,
} from '@aws-sdk/client-ec2';
import { NOT_TERMINATED } from '@ec2ops/core/instances';
import type {
  AmiBakeObservation,
  ObservedImage,
  ObservedInstance,
  ObservedLaunchTemplateVersion,
  ObservedSnapshot,
  Tags,
} from '@ec2ops/core/jobs';
import { BAKE_NIGHTLY, type BakeTagKeys } from '@ec2ops/core/jobs';
import pLimit from 'p-limit';
import { chunk } from './batches';
import { awsErrorCode, isNotFound } from './errors';
import { tagsOf, toTagList } from './tags';

/**
 * The EC2 side of the bake: describe calls shaped so their number grows with bake targets and
 * managed images, never with unrelated instances or images (everything is filtered by tag or by
 * image id on the server), and the CreateImage call shared by the job and `/ec2 ami bake`.
 */

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;
const PAGE = 1000;

function toInstance(i: Instance): ObservedInstance {
  return {
    id: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    imageId: i.ImageId,
    tags: tagsOf(i.Tags),
  };
}

export function toImage(i: Image): ObservedImage {
  return {
    id: i.ImageId ?? '',
    name: i.Name,
    state: i.State ?? 'unknown',
    creationDate: i.CreationDate,
    stateReason: i.StateReason?.Message ?? i.StateReason?.Code,
    tags: tagsOf(i.Tags),
    snapshotIds: (i.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
    deregistrationProtection: i.DeregistrationProtection,
    deprecationTime: i.DeprecationTime,
    sourceImageRegion: i.SourceImageRegion,
  };
}

export async function describeInstances(ec2: EC2Client, filters: Filter[]): Promise<ObservedInstance[]> {
  const out: ObservedInstance[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2, pageSize: PAGE }, { Filters: filters })) {
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toInstance(i));
  }
  return out;
}

export async function describeManagedImages(
  ec2: EC2Client,
  keys: BakeTagKeys,
  extra: Filter[] = [],
): Promise<ObservedImage[]> {
  const out: ObservedImage[] = [];
  const input = {
    Owners: ['self'],
    Filters: [
      { Name: `tag:${keys.managed}`, Values: ['true'] },
      { Name: 'tag-key', Values: [keys.sourceInstance] },
      ...extra,
    ],
  };
  for await (const page of paginateDescribeImages({ client: ec2, pageSize: PAGE }, input)) {
    for (const i of page.Images ?? []) out.push(toImage(i));
  }
  return out;
}

/** Images by id; ids EC2 no longer knows are simply absent from the answer. */
export async function describeImagesById(ec2: EC2Client, ids: string[]): Promise<ObservedImage[]> {
  const out: ObservedImage[] = [];
  for (const batch of chunk(ids, FILTER_VALUES)) {
    // A filter (not ImageIds) so one deregistered image does not fail the whole batch.
    const res = await ec2.send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'image-id', Values: batch }] }),
    );
    for (const i of res.Images ?? []) out.push(toImage(i));
  }
  return out;
}

/** Instances in any state but terminated that were launched from one of `imageIds`. */
export async function describeImageUsers(ec2: EC2Client, imageIds: string[]): Promise<ObservedInstance[]> {
  const out: ObservedInstance[] = [];
  for (const batch of chunk([...new Set(imageIds)], FILTER_VALUES)) {
    out.push(
      ...(await describeInstances(ec2, [
        { Name: 'image-id', Values: batch },
        { Name: 'instance-state-name', Values: NOT_TERMINATED },
      ])),
    );
  }
  return out;
}

export interface TemplateHead {
  id: string;
  name?: string;
  latestVersion?: number;
}

export async function describeTemplateHeads(ec2: EC2Client): Promise<TemplateHead[]> {
  const out: TemplateHead[] = [];
  for await (const page of paginateDescribeLaunchTemplates({ client: ec2, pageSize: 200 }, {})) {
    for (const t of page.LaunchTemplates ?? []) {
      if (t.LaunchTemplateId)
        out.push({
          id: t.LaunchTemplateId,
          name: t.LaunchTemplateName,
          latestVersion: t.LatestVersionNumber,
        });
    }
  }
  return out;
}

/** Every version of one launch template (no Versions given: EC2 returns them all). */
export async function describeTemplateVersions(
  ec2: EC2Client,
  template: TemplateHead,
): Promise<ObservedLaunchTemplateVersion[]> {
  const out: ObservedLaunchTemplateVersion[] = [];
  try {
    for await (const page of paginateDescribeLaunchTemplateVersions(
      { client: ec2, pageSize: 200 },
      // ResolveAlias: a version that names its image as `resolve:ssm:…` shows the AMI id it maps to.
      { LaunchTemplateId: template.id, ResolveAlias: true },
    )) {
      for (const v of page.LaunchTemplateVersions ?? []) {
        out.push({
          templateId: template.id,
          templateName: v.LaunchTemplateName ?? template.name,
          version: v.VersionNumber ?? 0,
          imageId: v.LaunchTemplateData?.ImageId,
        });
      }
    }
  } catch (error) {
    // Deleted between the two calls: it uses nothing any more.
    if (awsErrorCode(error).startsWith('InvalidLaunchTemplateId')) return out;
    throw error;
  }
  return out;
}

export async function describeAllTemplateVersions(
  ec2: EC2Client,
  concurrency: number,
): Promise<{ heads: TemplateHead[]; versions: ObservedLaunchTemplateVersion[] }> {
  const heads = await describeTemplateHeads(ec2);
  const lists = await pLimit(concurrency).map(heads, (head) => describeTemplateVersions(ec2, head));
  return { heads, versions: lists.flat() };
}

export async function describeManagedSnapshots(
  ec2: EC2Client,
  keys: BakeTagKeys,
): Promise<ObservedSnapshot[]> {
  const out: ObservedSnapshot[] = [];
  const input = {
    OwnerIds: ['self'],
    Filters: [
      { Name: `tag:${keys.managed}`, Values: ['true'] },
      { Name: 'tag-key', Values: [keys.sourceInstance] },
    ],
  };
  for await (const page of paginateDescribeSnapshots({ client: ec2, pageSize: PAGE }, input)) {
    for (const s of page.Snapshots ?? []) {
      out.push({
        id: s.SnapshotId ?? '',
        state: s.State ?? 'unknown',
        volumeSizeGiB: s.VolumeSize ?? 0,
        startTime: s.StartTime?.toISOString(),
        tags: tagsOf(s.Tags),
      });
    }
  }
  return out;
}

/** Everything the planner needs in one region. */
export async function observeRegion(
  ec2: EC2Client,
  region: string,
  keys: BakeTagKeys,
  concurrency: number,
): Promise<AmiBakeObservation & { templateHeads: TemplateHead[] }> {
  const [targets, images, templates, snapshots] = await Promise.all([
    describeInstances(ec2, [
      { Name: `tag:${keys.bake}`, Values: [BAKE_NIGHTLY] },
      { Name: 'instance-state-name', Values: NOT_TERMINATED },
    ]),
    describeManagedImages(ec2, keys),
    describeAllTemplateVersions(ec2, concurrency),
    describeManagedSnapshots(ec2, keys),
  ]);
  const imageUsers = await describeImageUsers(
    ec2,
    images.map((i) => i.id),
  );
  return {
    region,
    targets,
    images,
    imageUsers,
    launchTemplateVersions: templates.versions,
    snapshots,
    templateHeads: templates.heads,
  };
}

export interface CreateImageRequest {
  instanceId: string;
  name: string;
  noReboot: boolean;
  tags: Tags;
  description?: string;
}

/**
 * CreateImage with the tags on the image and its snapshots. A name already taken by an image of
 * the same source (a retried request) counts as done and returns that image.
 */
export async function createImage(
  ec2: EC2Client,
  request: CreateImageRequest,
  keys: BakeTagKeys,
): Promise<{ imageId: string; existed: boolean }> {
  const tags = toTagList(request.tags);
  try {
    const out = await ec2.send(
      new CreateImageCommand({
        InstanceId: request.instanceId,
        Name: request.name,
        Description: request.description ?? `ec2ops bake of ${request.instanceId}`,
        NoReboot: request.noReboot,
        TagSpecifications: [
          { ResourceType: 'image', Tags: tags },
          { ResourceType: 'snapshot', Tags: tags },
        ],
      }),
    );
    return { imageId: out.ImageId ?? '', existed: false };
  } catch (error) {
    return sameNamedImage(ec2, error, request.name, keys.sourceInstance, request.instanceId);
  }
}

/**
 * After `InvalidAMIName.Duplicate`: the image of that name when it carries `tagKey=value` (the
 * same request, retried), else the error again.
 */
async function sameNamedImage(
  ec2: EC2Client,
  error: unknown,
  name: string,
  tagKey: string,
  value: string,
): Promise<{ imageId: string; existed: true }> {
  if (awsErrorCode(error) !== 'InvalidAMIName.Duplicate') throw error;
  const res = await ec2.send(
    new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
  );
  const same = res.Images?.find((i) => tagsOf(i.Tags)[tagKey] === value);
  if (same?.ImageId) return { imageId: same.ImageId, existed: true };
  throw error;
}

export interface CopyImageRequest {
  sourceImageId: string;
  sourceRegion: string;
  name: string;
  kmsKeyId?: string | undefined;
  /** Tags for the copy's snapshots; the image gets the source's tags and `source-image`. */
  snapshotTags: Tags;
}

/**
 * CopyImage, sent to the DR region's client. The client token (source + region) makes a retried
 * or overlapping copy return the same image instead of a second one; a name already taken there
 * by a copy of the same source counts as done too (a token EC2 has forgotten).
 */
export async function copyImage(
  ec2: EC2Client,
  request: CopyImageRequest,
  keys: BakeTagKeys,
): Promise<{ imageId: string; existed: boolean }> {
  const region = await ec2.config.region();
  try {
    const out = await ec2.send(
      new CopyImageCommand({
        SourceImageId: request.sourceImageId,
        SourceRegion: request.sourceRegion,
        Name: request.name,
        Description: `ec2ops copy of ${request.sourceImageId} (${request.sourceRegion})`,
        CopyImageTags: true,
        ...(request.kmsKeyId ? { Encrypted: true, KmsKeyId: request.kmsKeyId } : {}),
        ClientToken: `ec2ops-copy-${request.sourceImageId}-${region}`,
        TagSpecifications: [
          { ResourceType: 'image', Tags: toTagList({ [keys.sourceImage]: request.sourceImageId }) },
          { ResourceType: 'snapshot', Tags: toTagList(request.snapshotTags) },
        ],
      }),
    );
    return { imageId: out.ImageId ?? '', existed: false };
  } catch (error) {
    return sameNamedImage(ec2, error, request.name, keys.sourceImage, request.sourceImageId);
  }
}

/** EnableImageDeprecation; setting the same time again is harmless, so a retry needs no guard. */
export async function deprecateImage(ec2: EC2Client, imageId: string, at: Date): Promise<void> {
  await ec2.send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: at }));
}

/** One image of this account by tag (`Owners: self`), e.g. the image a request already baked. */
export async function findOwnImageByTag(
  ec2: EC2Client,
  key: string,
  value: string,
): Promise<ObservedImage | undefined> {
  const out = await ec2.send(
    new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${key}`, Values: [value] }] }),
  );
  const image = out.Images?.[0];
  return image ? toImage(image) : undefined;
}

/**
 * One image by id, as this account sees it: `own` when the account owns it, `other` when it
 * can see it but another account owns it, undefined when it does not exist here. EC2's errors
 * (`InvalidAMIID.NotFound`, `…Malformed`) are left to the caller to classify.
 */
export async function describeImageOwnership(
  ec2: EC2Client,
  imageId: string,
): Promise<{ own: ObservedImage } | { other: true } | undefined> {
  const own = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId], Owners: ['self'] }));
  const image = own.Images?.find((i) => i.ImageId === imageId);
  if (image) return { own: toImage(image) };
  const any = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return any.Images?.some((i) => i.ImageId === imageId) ? { other: true } : undefined;
}

/** Deregistration protection on or off; EC2 treats a repeat as a no-op, so a retry is safe. */
export async function setDeregistrationProtection(
  ec2: EC2Client,
  imageId: string,
  on: boolean,
): Promise<void> {
  await ec2.send(
    on
      ? new EnableImageDeregistrationProtectionCommand({ ImageId: imageId })
      : new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }),
  );
}

/** A deletion whose target is already gone is done: `false` says it was not there any more. */
async function goneIsDone(remove: () => Promise<unknown>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** DeregisterImage; an image already gone counts as deregistered (`false`: it was not there). */
export function deregisterImage(ec2: EC2Client, imageId: string): Promise<boolean> {
  return goneIsDone(() => ec2.send(new DeregisterImageCommand({ ImageId: imageId })));
}

/** DeleteSnapshot; a snapshot already gone counts as deleted (`false`: it was not there). */
export function deleteSnapshot(ec2: EC2Client, snapshotId: string): Promise<boolean> {
  return goneIsDone(() => ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
}
