/**
 * The tag contract: every tag ec2ops reads or writes on EC2 resources, named once. The stage's
 * prefix (`ec2ops:` by default) goes in front of each. Instances, access rules, Elastic IPs and
 * baked images each use a subset, picked with `tagKeys`, so one tag never gets two spellings.
 */
export const TAG_NAMES = {
  managed: 'managed',
  sharedWith: 'shared-with',
  owner: 'owner',
  stage: 'stage',
  keep: 'keep',
  requestId: 'request-id',
  expiresAt: 'expires-at',
  warnedFor: 'warned-for',
  imageAlias: 'image-alias',
  extendedBy: 'extended-by',
  reason: 'reason',
  closeFailures: 'close-failures',
  accessGroup: 'access-group',
  idleSince: 'idle-since',
  warnedAt: 'warned-at',
  bake: 'bake',
  reboot: 'bake-reboot',
  retain: 'retain',
  retainDays: 'retain-days',
  sourceInstance: 'source-instance',
  sourceImage: 'source-image',
  bakedAt: 'baked-at',
  approved: 'approved',
  availableAt: 'available-at',
} as const;

export type TagRole = keyof typeof TAG_NAMES;

/** The prefixed keys of the tags a resource kind uses: `tagKeys('ec2ops:', ['owner'])` → `{ owner: 'ec2ops:owner' }`. */
export function tagKeys<R extends TagRole>(prefix: string, roles: readonly R[]): Record<R, string> {
  return Object.fromEntries(roles.map((role) => [role, `${prefix}${TAG_NAMES[role]}`])) as Record<R, string>;
}
