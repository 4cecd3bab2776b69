import { Ec2ApiError, invalidParameterValue } from '../errors';
import { ID_KINDS, resolveIds } from '../ids';
import { type ImageRecord, images } from '../model';
import type { ActionContext } from '../registry';
import { writeAction } from '../registry';
import { PROTECTION_COOLDOWN_MS } from './image-lifecycle-rules';

/** Deprecation and deregistration protection: EnableImageDeprecation … DisableImageDeregistrationProtection. */

/** The caller's own image, or EC2's not-found / not-authorized errors. */
export function ownImage(ctx: ActionContext, imageId: string): ImageRecord {
  const [image] = resolveIds(ID_KINDS.image, [imageId], (id) => {
    const found = images.in(ctx.state).get(id);
    return found && (found.ownerId === ctx.store.accountId || found.isPublic) ? found : undefined;
  });
  if (!image) throw new Error('unreachable');
  if (image.ownerId !== ctx.store.accountId) {
    throw new Ec2ApiError('AuthFailure', `Not authorized for image:${imageId}`, 403);
  }
  return image;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 60 * 60_000;
const MINUTE_MS = 60_000;

writeAction('EnableImageDeprecation', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  const raw = ctx.params.requiredString('DeprecateAt');
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw invalidParameterValue(`Invalid value '${raw}' for DeprecateAt.`);
  // EC2 rounds to the nearest minute, refuses the past and more than ten years ahead.
  const rounded = Math.round(at / MINUTE_MS) * MINUTE_MS;
  if (rounded < ctx.now) throw invalidParameterValue('The deprecation time cannot be in the past.');
  if (rounded > ctx.now + TEN_YEARS_MS) {
    throw invalidParameterValue('The deprecation time cannot be more than 10 years from now.');
  }
  ctx.gate();
  image.deprecationTime = rounded;
  return { return: true };
});

writeAction('DisableImageDeprecation', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  ctx.gate();
  image.deprecationTime = undefined;
  return { return: true };
});

writeAction('EnableImageDeregistrationProtection', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  const withCooldown = ctx.params.boolean('WithCooldown') ?? false;
  ctx.gate();
  image.deregistrationProtection = { enabled: true, withCooldown };
  return { return: 'true' };
});

writeAction('DisableImageDeregistrationProtection', (ctx) => {
  const image = ownImage(ctx, ctx.params.requiredString('ImageId'));
  ctx.gate();
  const protection = image.deregistrationProtection;
  if (protection?.enabled) {
    image.deregistrationProtection = {
      enabled: false,
      withCooldown: false,
      disabledUntil: protection.withCooldown ? ctx.now + PROTECTION_COOLDOWN_MS : undefined,
    };
  }
  return { return: 'true' };
});
