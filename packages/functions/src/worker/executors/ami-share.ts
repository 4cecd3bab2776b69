import { InputError } from '@ec2ops/core';
import { shareTargetKind } from '@ec2ops/core/commands';
import { bakeTagKeys } from '@ec2ops/core/jobs';
import { escapeMrkdwn, section } from '@ec2ops/core/slack';
import { resolveShareTargets } from '../../accounts/organization';
import { changeSharing, isSharedWith, type ShareTarget } from '../../ec2/image-sharing';
import type { CommandExecutor, ExecutorContext } from '../context';
import { findOwnImage } from './ami-find';

/**
 * `/ec2 ami share <image> with <target>` and `/ec2 ami unshare …`: launch permissions of a
 * managed image. Both are idempotent (EC2 keeps permissions as a set), so a repeated or
 * concurrent request leaves one permission and says what it found.
 */
async function targetOf(ctx: ExecutorContext<{ target: string }>): Promise<ShareTarget> {
  // `org` / `ou-…` become the ARNs EC2 takes (DescribeOrganization), before anything changes.
  const [id] = await resolveShareTargets([ctx.request.args.target], ctx.organization);
  return { kind: shareTargetKind(id!), id: id! };
}

async function managedImage(ctx: ExecutorContext<{ image: string }>, verb: string) {
  const keys = bakeTagKeys(ctx.config.tagPrefix);
  const imageId = ctx.request.args.image;
  const found = await findOwnImage(ctx.ec2, imageId);
  const image = found.value;
  if (image.tags[keys.managed] !== 'true') {
    throw new InputError('ami.not-managed', `${imageId} is not managed by ec2ops; it cannot ${verb} it.`, {
      hint: `Only images tagged ${keys.managed}=true (baked or adopted by ec2ops) can be shared from Slack.`,
    });
  }
  const label = `${imageId}${image.name ? ` (${escapeMrkdwn(image.name)})` : ''} in ${found.region}`;
  return { imageId, client: found.client, snapshotIds: image.snapshotIds, label };
}

export const amiShare: CommandExecutor<'ami share'> = async (ctx) => {
  const target = await targetOf(ctx);
  const { imageId, client, snapshotIds, label } = await managedImage(ctx, 'share');
  if (await isSharedWith(client, imageId, target)) {
    const text = `${label} is already shared with ${target.id}.`;
    return { text, blocks: section(text) };
  }
  await changeSharing(client, 'Add', imageId, snapshotIds, target);
  const text = `Shared ${label} with ${target.id}: it may launch the image.`;
  return { text, blocks: section(text) };
};

export const amiUnshare: CommandExecutor<'ami unshare'> = async (ctx) => {
  const target = await targetOf(ctx);
  const { imageId, client, snapshotIds, label } = await managedImage(ctx, 'unshare');
  if (!(await isSharedWith(client, imageId, target))) {
    const text = `${label} is not shared with ${target.id}; nothing to unshare.`;
    return { text, blocks: section(text) };
  }
  await changeSharing(client, 'Remove', imageId, snapshotIds, target);
  const text = `Stopped sharing ${label} with ${target.id} (instances it already launched keep running).`;
  return { text, blocks: section(text) };
};
