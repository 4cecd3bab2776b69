import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  type EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { InputError, type StageConfig } from '@ec2ops/core';
import type { LaunchConfig } from '@ec2ops/core/config';
import { suggestTypes } from '@ec2ops/core/instance-type';
import {
  approvedChoices,
  classifyImage,
  deprecatedImage,
  type ImageView,
  isDeprecatedAt,
  newest,
  replacementFor,
  typeChoicesFor,
  unapprovedImage,
  unavailableImage,
  unknownImage,
} from '@ec2ops/core/instances';
import { bakeTagKeys } from '@ec2ops/core/jobs';
import { awsErrorCode } from './errors';
import { tagsOf } from './tags';

/**
 * What `/ec2 launch` asks EC2 before launching: the requested type's architecture, and the image
 * a name, alias or id stands for, refused with the approved choices when it is not launchable.
 */

/** The type's architecture; a type EC2 does not know is refused with suggestions. */
export async function architectureOf(
  client: EC2Client,
  type: string,
  role: string,
  launch: LaunchConfig,
): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as never] }));
    return out.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures?.[0];
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'InvalidInstanceType' || code.startsWith('InvalidParameterValue')) {
      const suggestions = suggestTypes(type, typeChoicesFor(role, launch));
      throw new InputError('launch.type-unknown', `EC2 has no instance type \`${type}\` in this region.`, {
        hint: suggestions.length
          ? `Try ${suggestions.map((s) => `type=${s}`).join(', ')}.`
          : 'Ask an ec2ops admin which instance types this stage allows.',
      });
    }
    throw error;
  }
}

function toImageView(image: Image, approvedKey: string, sourceKey: string): ImageView {
  const root = image.BlockDeviceMappings?.find((b) => b.DeviceName === image.RootDeviceName);
  return {
    id: image.ImageId ?? '',
    name: image.Name,
    state: image.State ?? 'unknown',
    architecture: image.Architecture,
    creationDate: image.CreationDate,
    rootDeviceName: image.RootDeviceName,
    rootGiB: root?.Ebs?.VolumeSize,
    approved: tagsOf(image.Tags)[approvedKey] === 'true',
    deprecationTime: image.DeprecationTime,
    sourceInstance: tagsOf(image.Tags)[sourceKey],
  };
}

async function approvedImages(
  client: EC2Client,
  approvedKey: string,
  sourceKey: string,
): Promise<ImageView[]> {
  const out = await client.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: `tag:${approvedKey}`, Values: ['true'] }],
    }),
  );
  return (out.Images ?? []).map((i) => toImageView(i, approvedKey, sourceKey));
}

/**
 * Like `findImage`, and a deprecated image is refused unless the user is an admin, naming its
 * replacement (core/instances/deprecated-image.ts).
 */
export async function resolveImage(
  client: EC2Client,
  text: string,
  architecture: string | undefined,
  config: StageConfig,
  who: { admin: boolean; now: number },
): Promise<{ view: ImageView; alias?: string }> {
  const found = await findImage(client, text, architecture, config);
  if (who.admin || !isDeprecatedAt(found.view, who.now)) return found;
  const keys = bakeTagKeys(config.tagPrefix);
  const approved = await approvedImages(client, keys.approved, keys.sourceInstance);
  throw deprecatedImage(found.view, replacementFor(found.view, approved, who.now));
}

/** An alias (newest available match), or an approved image by id or name; else refused with the choices. */
async function findImage(
  client: EC2Client,
  text: string,
  architecture: string | undefined,
  config: StageConfig,
): Promise<{ view: ImageView; alias?: string }> {
  const settings = config.launch;
  const { approved: approvedKey, sourceInstance: sourceKey } = bakeTagKeys(config.tagPrefix);
  const reference = classifyImage(text, settings);
  const choices = async () => approvedChoices(settings, await approvedImages(client, approvedKey, sourceKey));
  switch (reference.kind) {
    case 'alias': {
      const arch = architecture ?? reference.spec.architecture;
      const out = await client.send(
        new DescribeImagesCommand({
          Owners: [reference.spec.owner],
          Filters: [
            { Name: 'name', Values: [reference.spec.name] },
            { Name: 'architecture', Values: [arch] },
          ],
        }),
      );
      const matches = (out.Images ?? []).map((i) => toImageView(i, approvedKey, sourceKey));
      const available = newest(matches.filter((i) => i.state === 'available'));
      if (available) return { view: available, alias: reference.alias };
      const pending = newest(matches);
      if (pending) throw unavailableImage(pending);
      throw new InputError(
        'launch.alias-empty',
        `No ${arch} image matches the alias \`${reference.alias}\` (${reference.spec.owner}, ${reference.spec.name}).`,
        { hint: 'Ask an ec2ops admin to check the alias in the stage config, or pick another image.' },
      );
    }
    case 'malformed-id':
      throw new InputError('launch.image-malformed', `\`${text}\` is not an image id.`, {
        hint: `Image ids look like ami-0123456789abcdef0. ${await choices()}`,
      });
    case 'id': {
      let found: Image | undefined;
      try {
        const out = await client.send(new DescribeImagesCommand({ ImageIds: [reference.id] }));
        found = out.Images?.find((i) => i.ImageId === reference.id);
      } catch (error) {
        if (!awsErrorCode(error).startsWith('InvalidAMIID')) throw error;
      }
      if (!found) throw unknownImage(text, await choices());
      const view = toImageView(found, approvedKey, sourceKey);
      if (!view.approved) throw unapprovedImage(view, await choices());
      if (view.state !== 'available') throw unavailableImage(view);
      return { view };
    }
    case 'name': {
      const approved = await approvedImages(client, approvedKey, sourceKey);
      const named = approved.filter((i) => i.name === text);
      const view = newest(named.filter((i) => i.state === 'available')) ?? newest(named);
      if (!view) throw unknownImage(text, approvedChoices(settings, approved));
      if (view.state !== 'available') throw unavailableImage(view);
      return { view };
    }
  }
}
