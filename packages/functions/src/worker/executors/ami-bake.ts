import { InputError } from '@ec2ops/core';
import { checkInstanceAccess, instanceTagKeys } from '@ec2ops/core/instances';
import { bakeImageTags, bakeTagKeys, imageName, instanceLabel, sourceSettings } from '@ec2ops/core/jobs';
import { context, section } from '@ec2ops/core/slack';
import { awsErrorCode } from '../../ec2/errors';
import { createImage, findOwnImageByTag } from '../../ec2/images';
import type { CommandExecutor } from '../context';
import { findOneInstance } from './ami-find';

/**
 * `/ec2 ami bake <instance-id|Name>`: one image now, named and tagged like the nightly bake.
 * Idempotent per request: the image carries the request's token, and a redelivered request
 * finds it instead of baking again.
 */
export const amiBake: CommandExecutor<'ami bake'> = async ({ request, config, ec2, idempotencyToken }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const reference = request.args.instance;
  const { region, client, value: instance } = await findOneInstance(ec2, reference);
  // The same ownership as stop/terminate: an image is a copy of the disk, so it is at least as
  // sensitive (and with bake.autoApprove it can be launched straight away).
  checkInstanceAccess(instance, request.user, 'bake', instanceTagKeys(config.tagPrefix));
  const token = idempotencyToken('ami-bake');
  const done = await findOwnImageByTag(client, keys.requestId, token);
  if (done) {
    const text = `Already baking ${done.id} (${done.name}) of ${instanceLabel(instance)} for this request.`;
    return { text, blocks: section(text) };
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new InputError(
      'ami.instance-state',
      `${instanceLabel(instance)} is ${instance.state}; only a running or stopped instance can be baked.`,
      {
        hint: 'Try again once it is running or stopped.',
      },
    );
  }
  const requestedAt = Date.parse(request.requestedAt);
  const now = Number.isFinite(requestedAt) ? requestedAt : Date.now();
  const tags = bakeImageTags({
    instance,
    now,
    stage: config.stage,
    keys,
    copyTags: config.bake.copyTags,
    requestId: token,
  });
  const taken = new Set<string>();
  const { noReboot } = sourceSettings(instance, config.bake, keys);
  let name = imageName({ id: instance.id, name: instance.tags['Name'] }, now, taken);
  let result: { imageId: string; existed: boolean };
  try {
    result = await createImage(
      client,
      {
        instanceId: instance.id,
        name,
        noReboot,
        tags,
        description: `ec2ops bake of ${instance.id} by ${request.user.id}`,
      },
      keys,
    );
  } catch (error) {
    if (awsErrorCode(error) !== 'InvalidAMIName.Duplicate') throw error;
    // Another source has an image of the same name this minute: use the id-qualified name.
    name = imageName({ id: instance.id, name: instance.tags['Name'] }, now, taken);
    result = await createImage(client, { instanceId: instance.id, name, noReboot, tags }, keys);
  }
  const text = `Baking ${result.imageId} (${name}) of ${instanceLabel(instance)} in ${region}${noReboot ? '' : ', with a reboot'}.`;
  return {
    text,
    blocks: [
      ...section(text),
      ...context(
        `It is pending for a few minutes; \`/ec2 ami list ${instance.id}\` shows when it is available. Request ${request.id}.`,
      ),
    ],
  };
};
