import { Ec2ApiError } from '../errors';

/**
 * `Owners` / `OwnerIds` / `ExecutableUsers` values as DescribeImages and DescribeSnapshots take
 * them: `self`, an alias (`amazon`, `aws-marketplace`), or a 12-digit account id.
 */
const ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'];

export interface Owned {
  ownerId: string;
  ownerAlias?: string;
  isPublic: boolean;
}

export function validateOwners(owners: string[]): void {
  for (const owner of owners) {
    if (owner !== 'self' && !ALIASES.includes(owner) && !/^[0-9]{12}$/.test(owner)) {
      throw new Ec2ApiError('InvalidUserID.Malformed', `Invalid user id: "${owner}"`);
    }
  }
}

export function ownedBy(record: Owned, owners: string[], accountId: string): boolean {
  return owners.some((owner) =>
    owner === 'self' ? record.ownerId === accountId : owner === record.ownerId || owner === record.ownerAlias,
  );
}

/** What the caller may see at all: its own resources and public ones. */
export function visibleTo(record: Owned, accountId: string): boolean {
  return record.ownerId === accountId || record.isPublic;
}

/** `ExecutableUsers` / `RestorableByUserIds`: `self`, `all`, or an account id. */
export function usableBy(record: Owned, users: string[], accountId: string): boolean {
  return users.some((user) => {
    if (user === 'all') return record.isPublic;
    if (user === 'self' || user === accountId) return record.ownerId === accountId || record.isPublic;
    return record.isPublic;
  });
}

export function validateUsers(users: string[]): void {
  for (const user of users) {
    if (user !== 'self' && user !== 'all' && !/^[0-9]{12}$/.test(user)) {
      throw new Ec2ApiError('InvalidUserID.Malformed', `Invalid user id: "${user}"`);
    }
  }
}
