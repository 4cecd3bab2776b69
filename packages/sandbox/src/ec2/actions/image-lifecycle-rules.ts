import { Ec2ApiError } from '../errors';
import type { ImageRecord, LaunchPermission } from '../model';
import { usableBy } from './owners';

/**
 * The rules the image actions share with the lifecycle actions (deprecation, deregistration
 * protection, launch permissions), kept apart so DescribeImages and DeregisterImage can ask them
 * without importing the lifecycle actions.
 */

/** EC2 keeps protection this long after DisableImageDeregistrationProtection when enabled with a cooldown. */
export const PROTECTION_COOLDOWN_MS = 24 * 60 * 60_000;

export function isDeprecated(image: ImageRecord, now: number): boolean {
  return image.deprecationTime !== undefined && image.deprecationTime <= now;
}

/** DescribeImages leaves out deprecated images the caller does not own (IncludeDeprecated brings them back). */
export function isHiddenAsDeprecated(image: ImageRecord, accountId: string, now: number): boolean {
  return image.ownerId !== accountId && isDeprecated(image, now);
}

export function isProtected(image: ImageRecord, now: number): boolean {
  const protection = image.deregistrationProtection;
  if (!protection) return false;
  return protection.enabled || (protection.disabledUntil !== undefined && protection.disabledUntil > now);
}

/** The `deregistrationProtection` member of DescribeImages. */
export function protectionToWire(image: ImageRecord): string | undefined {
  const protection = image.deregistrationProtection;
  if (!protection) return undefined;
  if (protection.enabled) return protection.withCooldown ? 'enabled-with-cooldown' : 'enabled';
  if (protection.disabledUntil !== undefined) {
    return `disabled-until ${new Date(protection.disabledUntil).toISOString()}`;
  }
  return 'disabled';
}

export function assertDeregistrable(image: ImageRecord, now: number): void {
  if (!isProtected(image, now)) return;
  const until = image.deregistrationProtection?.enabled
    ? 'deregistration protection is enabled'
    : `deregistration protection is in its cooldown until ${new Date(image.deregistrationProtection?.disabledUntil ?? now).toISOString()}`;
  throw new Ec2ApiError(
    'OperationNotPermitted',
    `The image ${image.id} cannot be deregistered because ${until}. Disable deregistration protection first.`,
  );
}

/** `ExecutableUsers` with launch permissions: an account sees the images shared with it. */
export function launchableBy(image: ImageRecord, users: string[], accountId: string): boolean {
  if (usableBy(image, users, accountId)) return true;
  return users.some((user) => (image.launchPermissions ?? []).some((p) => p.userId === user));
}

export function samePermission(a: LaunchPermission, b: LaunchPermission): boolean {
  return (
    a.userId === b.userId &&
    a.group === b.group &&
    a.organizationArn === b.organizationArn &&
    a.organizationalUnitArn === b.organizationalUnitArn
  );
}
