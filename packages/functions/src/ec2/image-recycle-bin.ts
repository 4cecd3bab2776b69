import {
  type EC2Client,
  paginateListImagesInRecycleBin,
  paginateListSnapshotsInRecycleBin,
  RestoreImageFromRecycleBinCommand,
  RestoreSnapshotFromRecycleBinCommand,
} from '@aws-sdk/client-ec2';
import { isNotFound } from './errors';

/**
 * Restoring a deleted image from the Recycle Bin. EC2 lists binned images without their block
 * devices, so the image's snapshots are found by the description EC2 gives the snapshots it
 * creates or copies for an image (`… for ami-…`, `… DestinationAmi ami-…`); they must be back
 * before the image is.
 */
export interface BinnedImage {
  imageId: string;
  name?: string | undefined;
  recycleBinExitTime?: Date | undefined;
}

export async function findImageInRecycleBin(
  ec2: EC2Client,
  imageId: string,
): Promise<BinnedImage | undefined> {
  try {
    for await (const page of paginateListImagesInRecycleBin({ client: ec2 }, { ImageIds: [imageId] })) {
      const found = page.Images?.find((i) => i.ImageId === imageId);
      if (found) return { imageId, name: found.Name, recycleBinExitTime: found.RecycleBinExitTime };
    }
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return undefined;
}

export async function binnedSnapshotsOf(ec2: EC2Client, imageId: string): Promise<string[]> {
  const out: string[] = [];
  const mentions = new RegExp(`\\b${imageId}\\b`);
  for await (const page of paginateListSnapshotsInRecycleBin({ client: ec2, pageSize: 1000 }, {})) {
    for (const s of page.Snapshots ?? []) {
      if (s.SnapshotId && s.Description && mentions.test(s.Description)) out.push(s.SnapshotId);
    }
  }
  return out;
}

/**
 * Snapshots first, then the image. Returns whether this call restored the image: false when it
 * left the bin meanwhile (another request restored it first; EC2 answers NotFound).
 */
export async function restoreImage(ec2: EC2Client, imageId: string, snapshotIds: readonly string[]) {
  for (const snapshotId of snapshotIds) {
    try {
      await ec2.send(new RestoreSnapshotFromRecycleBinCommand({ SnapshotId: snapshotId }));
    } catch (error) {
      // Restored by a concurrent request: it is back either way.
      if (!isNotFound(error)) throw error;
    }
  }
  try {
    await ec2.send(new RestoreImageFromRecycleBinCommand({ ImageId: imageId }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
