import { bakeTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import { setDeregistrationProtection } from '../../ec2/images';
import { untagResources } from '../../ec2/tags';
import type { CommandExecutor } from '../context';
import { findOwnImage } from './ami-find';

/** `/ec2 ami revoke <image-id>`: remove approved=true; revoking twice changes nothing. */
export const amiRevoke: CommandExecutor<'ami revoke'> = async ({ request, config, ec2 }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const imageId = request.args.image;
  const { region, client, value: image } = await findOwnImage(ec2, imageId);
  const label = `${imageId}${image.name ? ` (${image.name})` : ''} in ${region}`;
  // Approval protected it; revoking lifts that too (retention may then remove it as usual).
  const isProtected = (image.deregistrationProtection ?? 'disabled').startsWith('enabled');
  if (isProtected) await setDeregistrationProtection(client, imageId, false);
  if (!(keys.approved in image.tags)) {
    const text = `${label} is not approved; nothing to revoke${isProtected ? ' (its deregistration protection is lifted)' : ''}.`;
    return { text, blocks: section(text) };
  }
  await untagResources(client, [imageId], [keys.approved]);
  const text = `Revoked ${label}: /ec2 launch may no longer use it and it is no longer deregistration protected (running instances are not affected).`;
  return { text, blocks: section(text) };
};
