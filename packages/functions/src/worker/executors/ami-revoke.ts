import { DeleteTagsCommand, DisableImageDeregistrationProtectionCommand } from '@aws-sdk/client-ec2';
import { bakeTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import type { Executor } from '../context';
import { findOwnImage } from './ami-find';

/** `/ec2 ami revoke <image-id>`: remove approved=true; revoking twice changes nothing. */
export const amiRevoke: Executor = async ({ request, config, ec2 }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const imageId = String(request.args['image']);
  const { region, client, value: image } = await findOwnImage(ec2, imageId);
  const label = `${imageId}${image.Name ? ` (${image.Name})` : ''} in ${region}`;
  // Approval protected it; revoking lifts that too (retention may then remove it as usual).
  const isProtected = (image.DeregistrationProtection ?? 'disabled').startsWith('enabled');
  if (isProtected) await client.send(new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }));
  if (!image.Tags?.some((t) => t.Key === keys.approved)) {
    const text = `${label} is not approved; nothing to revoke${isProtected ? ' (its deregistration protection is lifted)' : ''}.`;
    return { text, blocks: section(text) };
  }
  await client.send(new DeleteTagsCommand({ Resources: [imageId], Tags: [{ Key: keys.approved }] }));
  const text = `Revoked ${label}: /ec2 launch may no longer use it and it is no longer deregistration protected (running instances are not affected).`;
  return { text, blocks: section(text) };
};
