import { type BakeConfig, deprecateAfterMs } from '../../config/bake';
import { formatDuration } from '../../time/durations';
import type { PlanItem, PlanSkip, RegionPlan, ReportSection } from '../types';
import { localDayBounds } from './bake-day';
import { imageName } from './naming';
import type { AmiBakeObservation, ObservedImage, ObservedInstance, Tags } from './observation';
import { bakedAtMs, isFailedState, planRetention, type RetentionResult } from './retention';
import { bakeImageTags, imageLabel, imageUsage, instanceLabel, sourceSettings } from './sources';
import { BAKE_NIGHTLY, bakeTagKeys } from './tags';

export type AmiBakeItemData =
  | { kind: 'bake'; instanceId: string; name: string; noReboot: boolean; tags: Tags }
  | { kind: 'mark-available'; imageId: string; sourceInstanceId: string; tags: Tags }
  | {
      kind: 'deregister';
      imageId: string;
      sourceInstanceId: string;
      why: 'retention' | 'failed';
      /** Deleted after the image is deregistered (their own `delete-snapshot` items). */
      snapshotIds: string[];
    }
  | { kind: 'delete-snapshot'; snapshotId: string; sizeGiB: number; imageId?: string; orphan: boolean }
  | {
      kind: 'copy';
      sourceImageId: string;
      sourceRegion: string;
      /** The DR region the copy is made in (CopyImage is called there). */
      region: string;
      name: string;
      kmsKeyId?: string | undefined;
      /** Tags the copy's snapshots get (the image gets the source's tags and `source-image`). */
      snapshotTags: Tags;
    }
  | { kind: 'deprecate'; imageId: string; deprecateAt: string }
  | { kind: 'share'; imageId: string; snapshotIds: string[]; targets: string[]; digest: string };

export type AmiBakeItem = PlanItem<AmiBakeItemData>;
export type AmiBakePlan = RegionPlan<AmiBakeItemData>;

export interface AmiBakePlanInput {
  observation: AmiBakeObservation;
  /** The instant the job runs as (epoch ms). */
  now: number;
  stage: string;
  tagPrefix: string;
  bake: BakeConfig;
  /** The bake schedule's time zone: "already baked today" uses its calendar day. */
  timeZone: string;
  /** Source image id → DR regions where its copy is still pending (see copies.ts): never removed. */
  pendingCopies?: ReadonlyMap<string, readonly string[]>;
  /**
   * Set when planning a DR region's copies (`bake.copyTo`): the home region they were copied
   * from. Only those copies get retention and deprecation here, and nothing is baked. Unset: the
   * home region's own images, copies into it left to their home region's run.
   */
  copiesFrom?: string | undefined;
  /**
   * With `copiesFrom`: the home region's bake targets. Their per-instance `retain` /
   * `retain-days` tags govern their copies here as they govern their images at home.
   */
  sourceInstances?: readonly ObservedInstance[] | undefined;
}

/** Orphaned snapshots younger than this are left alone: a CreateImage may still be writing them. */
export const ORPHAN_GRACE_MS = 3_600_000;
const BAKEABLE_STATES = new Set(['running', 'stopped']);
const INSTANCE_REFERENCE = /^i-[0-9a-f]{8,17}$/;

export function planAmiBake(input: AmiBakePlanInput): AmiBakePlan {
  const { observation, now, bake } = input;
  const region = observation.region;
  const keys = bakeTagKeys(input.tagPrefix);
  const items: AmiBakeItem[] = [];
  const skipped: PlanSkip[] = [];
  const warnings: string[] = [];
  const skip = (id: string, resource: string, reason: string) =>
    skipped.push({ id, region, resource, reason });

  const bySource = new Map<string, ObservedImage[]>();
  const ours = (image: ObservedImage) => isOurs(image, keys.sourceImage, input.copiesFrom);
  for (const image of observation.images.filter(ours)) {
    const source = image.tags[keys.sourceInstance];
    if (!source) {
      skip(image.id, imageLabel(image, keys), 'no source-instance tag');
      continue;
    }
    const list = bySource.get(source) ?? [];
    list.push(image);
    bySource.set(source, list);
  }
  // ec2ops images only what it manages: bake=nightly on an instance it did not launch (or adopt
  // by tagging it managed) is refused here, as the job's IAM policy refuses it.
  const nightly = observation.targets.filter((i) => i.tags[keys.bake] === BAKE_NIGHTLY);
  for (const instance of nightly) {
    if (instance.tags[keys.managed] !== 'true')
      skip(instance.id, instanceLabel(instance), `not managed by ec2ops (no ${keys.managed}=true)`);
  }
  const targets = new Map(
    nightly.filter((i) => i.tags[keys.managed] === 'true').map((i) => [i.id, i] as const),
  );

  // 1. Bake every target not baked today (a failed image does not count as baked).
  const taken = new Set(observation.images.flatMap((i) => (i.name ? [i.name] : [])));
  const bakeDay = localDayBounds(now, input.timeZone);
  // A DR region's plan bakes nothing: its sources live in the home region.
  for (const instance of input.copiesFrom ? [] : targets.values()) {
    const label = instanceLabel(instance);
    if (!BAKEABLE_STATES.has(instance.state)) {
      skip(instance.id, label, `instance ${instance.state}`);
      continue;
    }
    const today = (bySource.get(instance.id) ?? []).find((image) => {
      if (isFailedState(image.state)) return false;
      const baked = bakedAtMs(image, keys);
      return baked >= bakeDay.start && baked < bakeDay.end;
    });
    if (today) {
      skip(instance.id, `${label}: ${today.id}`, 'already baked today');
      continue;
    }
    const { noReboot, warnings: w } = sourceSettings(instance, bake, keys);
    warnings.push(...w);
    const name = imageName({ id: instance.id, name: instance.tags['Name'] }, now, taken);
    items.push({
      id: instance.id,
      region,
      action: 'bake',
      resource: label,
      reason: `tagged ${keys.bake}=${BAKE_NIGHTLY}; ${name}${noReboot ? '' : ', with reboot'}`,
      data: {
        kind: 'bake',
        instanceId: instance.id,
        name,
        noReboot,
        tags: bakeImageTags({ instance, now, stage: input.stage, keys, copyTags: bake.copyTags }),
      },
    });
  }

  // 2. Earlier images: newly available ones are marked (and approved); failed ones reported.
  const usedBy = imageUsage(observation);
  const unresolved = observation.launchTemplateVersions.filter((v) => v.imageId?.startsWith('resolve:ssm:'));
  for (const v of unresolved) {
    warnings.push(
      `launch template ${v.templateName ?? v.templateId} version ${v.version} names its image as ${v.imageId}, which EC2 did not resolve: retention is held in this region until it does`,
    );
  }
  const snapshots = new Map(observation.snapshots.map((s) => [s.id, s] as const));
  const removedIds = new Set<string>();
  const becameAvailable: string[] = [];
  const failed: string[] = [];
  const inUse: string[] = [];
  const protectedImages: string[] = [];
  const deprecations: string[] = [];
  const deprecateAfter = deprecateAfterMs(bake);
  const homeSources = new Map((input.sourceInstances ?? []).map((i) => [i.id, i] as const));
  for (const [source, images] of bySource) {
    const instance = input.copiesFrom ? homeSources.get(source) : targets.get(source);
    const { rule, warnings: w } = sourceSettings(instance, bake, keys);
    // A bad tag is reported once, by the home region's plan.
    if (!input.copiesFrom) warnings.push(...w);
    const planned = planRetention({ images, rule, now, keys, usedBy });
    // An image a launch template names only through an SSM parameter EC2 could not resolve might
    // be any image: nothing is removed in this region until that is fixed.
    const held = unresolved.length
      ? planned
      : holdPendingCopySources(planned, input.pendingCopies ?? new Map());
    const retention = unresolved.length
      ? {
          kept: [
            ...planned.kept,
            ...planned.removed.map((r) => ({
              image: r.image,
              reason: 'retention held' as const,
              detail: r.detail,
            })),
          ],
          removed: [],
        }
      : held;
    for (const k of retention.kept) {
      // "copy pending in eu-west-1": the regions say what the next run waits for.
      skip(k.image.id, imageLabel(k.image, keys), k.reason === 'copy pending' ? k.detail : k.reason);
      if (k.reason === 'in use') inUse.push(`${imageLabel(k.image, keys)}: ${k.detail}`);
      if (k.reason === 'deregistration protected') {
        protectedImages.push(`${imageLabel(k.image, keys)}: ${k.detail}`);
      }
    }
    for (const r of retention.removed) {
      removedIds.add(r.image.id);
      if (r.why === 'failed') failed.push(`${imageLabel(r.image, keys)}: ${r.detail}`);
    }
    for (const image of images) {
      if (image.state !== 'available' || removedIds.has(image.id) || image.tags[keys.availableAt]) continue;
      if (image.tags[keys.managed] !== 'true') continue;
      const tags: Tags = { [keys.availableAt]: new Date(now).toISOString() };
      if (bake.autoApprove) tags[keys.approved] = 'true';
      becameAvailable.push(`${imageLabel(image, keys)}${bake.autoApprove ? ' (approved)' : ''}`);
      items.push({
        id: image.id,
        region,
        action: 'mark-available',
        resource: imageLabel(image, keys),
        reason: bake.autoApprove ? 'became available; auto-approved' : 'became available',
        data: { kind: 'mark-available', imageId: image.id, sourceInstanceId: source, tags },
      });
    }
    for (const image of images) {
      const at = deprecateAt(image, { removed: removedIds, keys, now, afterMs: deprecateAfter });
      if (!at) continue;
      deprecations.push(`${imageLabel(image, keys)} at ${at}`);
      items.push({
        id: image.id,
        region,
        action: 'deprecate',
        resource: imageLabel(image, keys),
        reason: `deprecated ${formatDuration(deprecateAfter!)} after baking`,
        data: { kind: 'deprecate', imageId: image.id, deprecateAt: at },
      });
    }
    for (const r of retention.removed) {
      items.push({
        id: r.image.id,
        region,
        action: 'deregister',
        resource: imageLabel(r.image, keys),
        reason: r.detail,
        data: {
          kind: 'deregister',
          imageId: r.image.id,
          sourceInstanceId: source,
          why: r.why,
          snapshotIds: r.image.snapshotIds.filter((id) => snapshots.has(id)),
        },
      });
    }
  }

  // 3. Snapshots of removed images, and managed snapshots no image refers to any more.
  const referencedByKept = new Set(
    observation.images.filter((i) => !removedIds.has(i.id)).flatMap((i) => i.snapshotIds),
  );
  const referenced = new Set(observation.images.flatMap((i) => i.snapshotIds));
  const baking = new Set(
    observation.images.filter((i) => i.state === 'pending').map((i) => i.tags[keys.sourceInstance]),
  );
  for (const image of observation.images.filter((i) => removedIds.has(i.id))) {
    for (const id of image.snapshotIds) {
      const snapshot = snapshots.get(id);
      if (!snapshot) {
        warnings.push(`${id} of ${image.id} is not tagged ${keys.managed}=true; left in place`);
        continue;
      }
      if (referencedByKept.has(id)) {
        skip(id, `${id} of ${image.id}`, 'snapshot used by another image');
        continue;
      }
      items.push(
        snapshotItem(region, snapshot.id, snapshot.volumeSizeGiB, image.id, `snapshot of ${image.id}`),
      );
    }
  }
  for (const snapshot of observation.snapshots) {
    if (referenced.has(snapshot.id)) continue;
    // A copy's snapshots are swept by its home region's run for this region; the rest by this one's.
    if (Boolean(snapshot.tags[keys.sourceImage]) !== Boolean(input.copiesFrom)) continue;
    const source = snapshot.tags[keys.sourceInstance];
    if (!source || !INSTANCE_REFERENCE.test(source)) continue;
    const started = snapshot.startTime ? Date.parse(snapshot.startTime) : Number.NaN;
    if (snapshot.state === 'pending' || baking.has(source) || !(now - started >= ORPHAN_GRACE_MS)) {
      skip(snapshot.id, `${snapshot.id} of ${source}`, 'snapshot may belong to a bake in progress');
      continue;
    }
    items.push(
      snapshotItem(region, snapshot.id, snapshot.volumeSizeGiB, undefined, 'orphaned: its image is gone'),
    );
  }

  const sections: ReportSection[] = [];
  const section = (title: string, lines: string[]) => {
    // Same titles from several regions are merged by the report, so each line names its region.
    if (lines.length) sections.push({ title, lines: lines.map((line) => `${region} ${line}`) });
  };
  section('Became available', becameAvailable);
  section('Failed', failed);
  section('Kept because in use', inUse);
  section('Kept because deregistration protected', protectedImages);
  section('Deprecations', deprecations);
  section('Warnings', warnings);
  return { region, items, skipped, sections };
}

/** A source whose copy is still pending stays: CopyImage reads it until the copy is available. */
function holdPendingCopySources(
  planned: RetentionResult,
  pendingCopies: ReadonlyMap<string, readonly string[]>,
): RetentionResult {
  if (pendingCopies.size === 0) return planned;
  const kept = [...planned.kept];
  const removed = planned.removed.filter((r) => {
    const regions = pendingCopies.get(r.image.id);
    if (!regions) return true;
    kept.push({ image: r.image, reason: 'copy pending', detail: `copy pending in ${regions.join(', ')}` });
    return false;
  });
  return { kept, removed };
}

function snapshotItem(
  region: string,
  snapshotId: string,
  sizeGiB: number,
  imageId: string | undefined,
  reason: string,
) {
  const item: AmiBakeItem = {
    id: snapshotId,
    region,
    action: 'delete-snapshot',
    resource: `${snapshotId} (${sizeGiB} GiB)`,
    reason,
    data: imageId
      ? { kind: 'delete-snapshot', snapshotId, sizeGiB, imageId, orphan: false }
      : { kind: 'delete-snapshot', snapshotId, sizeGiB, orphan: true },
  };
  return item;
}

/** Whether an image is this plan's: the home region's own bakes, or (DR) the copies from `copiesFrom`. */
function isOurs(image: ObservedImage, sourceImageKey: string, copiesFrom: string | undefined): boolean {
  const copy = image.tags[sourceImageKey] !== undefined;
  if (!copiesFrom) return !copy;
  return copy && (image.sourceImageRegion === undefined || image.sourceImageRegion === copiesFrom);
}

const MINUTE_MS = 60_000;

/**
 * When an available managed image without a deprecation time should be deprecated: baked-at +
 * `deprecateAfter`, but never in the past (EC2 refuses that), rounded up to the minute as EC2
 * rounds it. Undefined: nothing to do (already set, not available, being removed, or no setting).
 */
function deprecateAt(
  image: ObservedImage,
  ctx: {
    removed: ReadonlySet<string>;
    keys: ReturnType<typeof bakeTagKeys>;
    now: number;
    afterMs: number | undefined;
  },
): string | undefined {
  if (ctx.afterMs === undefined || image.deprecationTime || image.state !== 'available') return undefined;
  if (ctx.removed.has(image.id) || image.tags[ctx.keys.managed] !== 'true') return undefined;
  const due = bakedAtMs(image, ctx.keys) + ctx.afterMs;
  const at = Math.ceil(Math.max(due, ctx.now + MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  return new Date(at).toISOString();
}
