import { InputError } from '@ec2ops/core';
import { escapeMrkdwn, section } from '@ec2ops/core/slack';
import { binnedSnapshotsOf, findImageInRecycleBin, restoreImage } from '../../ec2/image-recycle-bin';
import { describeImagesById } from '../../ec2/images';
import type { CommandExecutor } from '../context';

/**
 * `/ec2 ami restore <image>`: brings a deleted image and its snapshots back from the Recycle Bin
 * in whichever stage region holds it. Concurrent requests restore it once: EC2 moves it out of
 * the bin for the first, and the others find it gone from the bin and say so.
 */
export const amiRestore: CommandExecutor<'ami restore'> = async ({ request, ec2 }) => {
  const imageId = request.args.image;
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const binned = await findImageInRecycleBin(client, imageId);
    if (!binned) continue;
    const snapshots = await binnedSnapshotsOf(client, imageId);
    const restored = await restoreImage(client, imageId, snapshots);
    const label = `${imageId}${binned.name ? ` (${escapeMrkdwn(binned.name)})` : ''} in ${region}`;
    const text = restored
      ? `Restored ${label} from the Recycle Bin, with ${snapshots.length} snapshot${snapshots.length === 1 ? '' : 's'}. It is not approved: /ec2 ami approve it to launch it again.`
      : `${label} was restored by another request meanwhile; nothing more to do.`;
    return { text, blocks: section(text) };
  }
  for (const region of ec2.regions) {
    if ((await describeImagesById(ec2.client(region), [imageId])).length) {
      const text = `${imageId} in ${region} is not deleted (or was already restored); nothing to restore.`;
      return { text, blocks: section(text) };
    }
  }
  throw new InputError(
    'ami.not-in-recycle-bin',
    `${imageId} is not in the Recycle Bin of ${ec2.regions.join(', ')}.`,
    {
      hint: "Only deletions a Recycle Bin retention rule kept can be restored, until the rule's period ends; the nightly report says until when.",
    },
  );
};
