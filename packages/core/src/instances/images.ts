import { IMAGE_ID } from '../aws-ids';
import type { LaunchConfig } from '../config/launch';
import { ForbiddenError, InputError } from '../errors';

/**
 * Which images `/ec2 launch` accepts: an alias of the stage's catalog (the newest available image
 * of an owner whose name matches), or an image tagged `<prefix>approved=true` given by id or name.
 */
export type ImageReference =
  | { kind: 'alias'; alias: string; spec: LaunchConfig['images']['aliases'][string] }
  | { kind: 'id'; id: string }
  | { kind: 'malformed-id'; text: string }
  | { kind: 'name'; name: string };

export function classifyImage(text: string, launch: LaunchConfig): ImageReference {
  const aliases = launch.images.aliases;
  const lower = text.toLowerCase();
  if (Object.hasOwn(aliases, lower)) return { kind: 'alias', alias: lower, spec: aliases[lower]! };
  if (IMAGE_ID.test(text)) return { kind: 'id', id: text };
  if (/^ami-/i.test(text)) return { kind: 'malformed-id', text };
  return { kind: 'name', name: text };
}

/** An image as the worker reads it, reduced to what the decision needs. */
export interface ImageView {
  id: string;
  name?: string | undefined;
  state: string;
  architecture?: string | undefined;
  creationDate?: string | undefined;
  rootDeviceName?: string | undefined;
  rootGiB?: number | undefined;
  approved: boolean;
  /** DescribeImages `DeprecationTime` (ISO-8601), see deprecated-image.ts. */
  deprecationTime?: string | undefined;
  /** The `source-instance` tag of a baked image: its replacement comes from the same source. */
  sourceInstance?: string | undefined;
}

/** The newest image by creation date (then id, so ties are stable). */
export function newest<T extends Pick<ImageView, 'id' | 'creationDate'>>(
  images: readonly T[],
): T | undefined {
  return [...images].sort(
    (a, b) => (b.creationDate ?? '').localeCompare(a.creationDate ?? '') || a.id.localeCompare(b.id),
  )[0];
}

/** "Approved images: al2023 (Amazon Linux 2023), ubuntu; ami-0abc… (web-base-20261101)". */
export function approvedChoices(
  launch: LaunchConfig,
  images: readonly Pick<ImageView, 'id' | 'name' | 'state'>[],
): string {
  const approved = images.filter((i) => i.state === 'available');
  const aliases = Object.entries(launch.images.aliases).map(
    ([alias, spec]) => `\`${alias}\`${spec.description ? ` (${spec.description})` : ''}`,
  );
  const shown = approved.slice(0, 10).map((i) => `\`${i.id}\`${i.name ? ` (${i.name})` : ''}`);
  const more = approved.length > shown.length ? `, and ${approved.length - shown.length} more` : '';
  const all = [...aliases, ...shown];
  return all.length ? `Approved images: ${all.join(', ')}${more}.` : 'This stage has no approved images yet.';
}

export function unknownImage(text: string, choices: string): InputError {
  return new InputError('launch.image-unknown', `There is no approved image \`${text}\`.`, {
    hint: `${choices} An admin can approve an image with \`/ec2 ami approve <image-id>\`.`,
  });
}

export function unapprovedImage(image: Pick<ImageView, 'id' | 'name'>, choices: string): ForbiddenError {
  return new ForbiddenError(
    'launch.image-not-approved',
    `${image.id}${image.name ? ` (${image.name})` : ''} is not approved for launch.`,
    { hint: `${choices} An admin can approve it with \`/ec2 ami approve ${image.id}\`.` },
  );
}

export function unavailableImage(image: Pick<ImageView, 'id' | 'name' | 'state'>): InputError {
  return new InputError(
    'launch.image-not-available',
    `${image.id}${image.name ? ` (${image.name})` : ''} is ${image.state}, not available: it cannot be launched.`,
    { hint: 'Wait until it is available (`/ec2 ami list`), or pick another approved image.' },
  );
}

export function architectureMismatch(image: ImageView, type: string, typeArchitecture: string): InputError {
  return new InputError(
    'launch.architecture-mismatch',
    `${image.id} is an ${image.architecture} image; ${type} runs ${typeArchitecture}.`,
    {
      hint:
        image.architecture === 'arm64'
          ? 'Pick a Graviton type (t4g, m7g, c7g…).'
          : 'Pick an x86 type (t3, m7i, c7i…).',
    },
  );
}
