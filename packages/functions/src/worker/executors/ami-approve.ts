import { bakeTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import { setDeregistrationProtection } from '../../ec2/images';
import { tagResources } from '../../ec2/tags';
import type { CommandExecutor } from '../context';
import { findOwnImage } from './ami-find';

/**
 * `/ec2 ami approve <image-id>`: tag approved=true and protect the image from deregistration
 * (retention and people alike) until it is revoked; approving twice changes nothing, and an
 * approved image that lost its protection gets it back.
 */
export const amiApprove: CommandExecutor<'ami approve'> = async ({ request, config, ec2 }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const imageId = request.args.image;
  const { region, client, value: image } = await findOwnImage(ec2, imageId);
  const label = `${imageId}${image.name ? ` (${image.name})` : ''} in ${region}`;
  const isProtected = (image.deregistrationProtection ?? 'disabled').startsWith('enabled');
  if (!isProtected) await setDeregistrationProtection(client, imageId, true);
  if (image.tags[keys.approved] === 'true') {
    const text = `${label} is already approved${isProtected ? '' : '; it is deregistration protected again'}.`;
    return { text, blocks: section(text) };
  }
  await tagResources(client, [imageId], { [keys.approved]: 'true' });
  const state =
    image.state === 'available' ? '' : ` It is ${image.state}: /ec2 launch can use it once it is available.`;
  const text = `Approved ${label}: /ec2 launch may use it, and it is protected from deregistration until revoked.${state}`;
  return { text, blocks: section(text) };
};
