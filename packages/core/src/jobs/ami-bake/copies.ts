import type { ObservedImage, Tags } from './observation';
import type { AmiBakeItem } from './plan';
import { isFailedState } from './retention';

/**
 * Cross-region copies (`bake.copyTo`). Each available managed image of the home region gets one
 * copy per DR region; a copy names its source with the `source-image` tag, so a second run (or a
 * lost Lambda) finds it and copies nothing twice. Retention then runs per region as usual, with
 * one extra guard: a source whose copy is still pending is never deleted (the copy would fail).
 */
export interface CopyTarget {
  region: string;
  kmsKeyId?: string | undefined;
}

export interface PlannedCopy {
  sourceImageId: string;
  sourceRegion: string;
  region: string;
  kmsKeyId?: string | undefined;
  /** The copy's name in the DR region: the source's name (names are per region). */
  name: string;
}

export interface CopyPlan {
  copies: PlannedCopy[];
  /** Source image id → the DR regions where its copy is still pending. */
  pendingCopies: Map<string, string[]>;
  /** Report lines: `eu-west-1 ami-… copy of ami-… (us-east-1), pending`. */
  lines: string[];
}

export function planCopies(input: {
  homeRegion: string;
  homeImages: ObservedImage[];
  /** Images already in each DR region, by region (only the managed ones are needed). */
  drImages: ReadonlyMap<string, ObservedImage[]>;
  targets: readonly CopyTarget[];
  /** The tag key naming a copy's source image (`ec2ops:source-image`). */
  sourceImageKey: string;
  managedKey: string;
}): CopyPlan {
  const copies: PlannedCopy[] = [];
  const pendingCopies = new Map<string, string[]>();
  const lines: string[] = [];
  for (const target of input.targets) {
    if (target.region === input.homeRegion) continue;
    const existing = new Map<string, ObservedImage>();
    for (const image of input.drImages.get(target.region) ?? []) {
      const source = image.tags[input.sourceImageKey];
      // A failed copy does not count: the next run copies again.
      if (source && !isFailedState(image.state)) existing.set(source, image);
    }
    for (const image of input.homeImages) {
      if (image.tags[input.managedKey] !== 'true' || image.tags[input.sourceImageKey]) continue;
      const copy = existing.get(image.id);
      if (copy) {
        if (copy.state === 'pending') {
          pendingCopies.set(image.id, [...(pendingCopies.get(image.id) ?? []), target.region]);
          lines.push(`${target.region} ${copy.id} copy of ${image.id} (${input.homeRegion}), pending`);
        }
        continue;
      }
      if (image.state !== 'available') continue;
      copies.push({
        sourceImageId: image.id,
        sourceRegion: input.homeRegion,
        region: target.region,
        kmsKeyId: target.kmsKeyId,
        name: image.name ?? image.id,
      });
      lines.push(
        `${target.region} copy of ${image.id} (${input.homeRegion})${target.kmsKeyId ? `, encrypted with ${target.kmsKeyId}` : ''}`,
      );
    }
  }
  return { copies, pendingCopies, lines };
}

/**
 * The plan items for `planCopies`' copies, one per (source, DR region), in the DR region. The
 * copy's snapshots are tagged managed with the source's instance and image, so the DR region's
 * retention and orphan sweep find them; the image itself gets the source's tags (CopyImageTags).
 */
export function copyItems(
  plan: CopyPlan,
  homeImages: readonly ObservedImage[],
  keys: { managed: string; sourceInstance: string; sourceImage: string },
): AmiBakeItem[] {
  const byId = new Map(homeImages.map((i) => [i.id, i] as const));
  return plan.copies.map((copy) => {
    const source = byId.get(copy.sourceImageId);
    const snapshotTags: Tags = { [keys.managed]: 'true', [keys.sourceImage]: copy.sourceImageId };
    const instance = source?.tags[keys.sourceInstance];
    if (instance) snapshotTags[keys.sourceInstance] = instance;
    return {
      id: copy.sourceImageId,
      region: copy.region,
      action: 'copy',
      resource: `${copy.sourceImageId} ${copy.name}`,
      reason: `copy from ${copy.sourceRegion}${copy.kmsKeyId ? `, encrypted with ${copy.kmsKeyId}` : ''}`,
      data: { kind: 'copy', ...copy, snapshotTags },
    };
  });
}
