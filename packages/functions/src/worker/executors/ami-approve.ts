import { CreateTagsCommand, EnableImageDeregistrationProtectionCommand } from '@aws-sdk/client-ec2';
import { bakeTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import type { Executor } from '../context';
import { findOwnImage } from './ami-find';

/**
 * `/ec2 ami approve <image-id>`: tag approved=true and protect the image from deregistration
 * (retention and people alike) until it is revoked; approving twice changes nothing, and an
 * approved image that lost its protection gets it back.
 */
export const amiApprove: Executor = async ({ request, config, ec2 }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const imageId = String(request.args['image']);
  const { region, client, value: image } = await findOwnImage(ec2, imageId);
  const label = `${imageId}${image.Name ? ` (${image.Name})` : ''} in ${region}`;
  const isProtected = (image.DeregistrationProtection ?? 'disabled').startsWith('enabled');
  if (!isProtected) await client.send(new EnableImageDeregistrationProtectionCommand({ ImageId: imageId }));
  if (image.Tags?.some((t) => t.Key === keys.approved && t.Value === 'true')) {
    const text = `${label} is already approved${isProtected ? '' : '; it is deregistration protected again'}.`;
    return { text, blocks: section(text) };
  }
  await client.send(
    new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: keys.approved, Value: 'true' }] }),
  );
  const state =
    image.State === 'available' ? '' : ` It is ${image.State}: /ec2 launch can use it once it is available.`;
  const text = `Approved ${label}: /ec2 launch may use it, and it is protected from deregistration until revoked.${state}`;
  return { text, blocks: section(text) };
};
