import { ForbiddenError } from '../errors';
import { type ImageView, newest } from './images';

/**
 * `/ec2 launch` and deprecated images: EC2 still launches a deprecated image, so ec2ops refuses
 * it for everyone but admins, and names the image that replaces it — the newest approved,
 * available, undeprecated image baked from the same source instance. (The Slack error mapper
 * escapes the message and hint, names included.)
 */
export function isDeprecatedAt(image: Pick<ImageView, 'deprecationTime'>, now: number): boolean {
  if (!image.deprecationTime) return false;
  const at = Date.parse(image.deprecationTime);
  return Number.isFinite(at) && at <= now;
}

export function replacementFor(
  image: ImageView,
  candidates: readonly ImageView[],
  now: number,
): ImageView | undefined {
  if (!image.sourceInstance) return undefined;
  return newest(
    candidates.filter(
      (c) =>
        c.id !== image.id &&
        c.approved &&
        c.state === 'available' &&
        c.sourceInstance === image.sourceInstance &&
        !isDeprecatedAt(c, now),
    ),
  );
}

export function deprecatedImage(image: ImageView, replacement: ImageView | undefined): ForbiddenError {
  const label = `${image.id}${image.name ? ` (${image.name})` : ''}`;
  return new ForbiddenError(
    'launch.image-deprecated',
    `${label} is deprecated since ${image.deprecationTime}: only an admin may launch it.`,
    {
      hint: replacement
        ? `Use its replacement \`${replacement.id}\`${replacement.name ? ` (${replacement.name})` : ''}.`
        : 'No newer image of the same source is approved yet; ask an ec2ops admin.',
    },
  );
}
