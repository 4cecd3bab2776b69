import type { ObservedImage } from './observation';
import type { AmiBakeItem } from './plan';
import type { BakeTagKeys } from './tags';

/**
 * `bake.shareWith`: every available image the bake made in its home region is shared with the
 * listed accounts, OUs and organisations. The image then carries a digest of that list
 * (`shared-with`), so each image is shared once per list: a second run, or two runs at once,
 * plan nothing more (EC2 keeps launch permissions as a set, so a repeated share adds nothing
 * either). A changed list shares again with the new list; targets dropped from it are not
 * unshared (that stays an admin's `/ec2 ami unshare`).
 */

/** A short, stable digest of a target list (FNV-1a, 32 bits), order and duplicates ignored. */
export function shareDigest(targets: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const char of [...new Set(targets)].sort().join(' ')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export function planShares(input: {
  region: string;
  /** The home region's own managed images (not copies). */
  images: readonly ObservedImage[];
  targets: readonly string[];
  keys: Pick<BakeTagKeys, 'managed' | 'sharedWith'>;
  /** Images this run removes: not worth sharing. */
  leaving: ReadonlySet<string>;
}): AmiBakeItem[] {
  const { region, targets, keys } = input;
  if (targets.length === 0) return [];
  const digest = shareDigest(targets);
  return input.images
    .filter(
      (i) =>
        i.state === 'available' &&
        i.tags[keys.managed] === 'true' &&
        i.tags[keys.sharedWith] !== digest &&
        !input.leaving.has(i.id),
    )
    .map((image) => ({
      id: image.id,
      region,
      action: 'share',
      resource: `${image.id}${image.name ? ` ${image.name}` : ''}`,
      reason: `share with ${targets.join(', ')}`,
      data: {
        kind: 'share',
        imageId: image.id,
        snapshotIds: image.snapshotIds,
        targets: [...targets],
        digest,
      },
    }));
}
