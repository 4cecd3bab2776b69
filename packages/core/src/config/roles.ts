import * as z from 'zod';
import { SLACK_USER_ID } from '../slack/ids';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** True when `have` is at least `need` in viewer < operator < admin. */
export function roleAtLeast(have: Role | undefined, need: Role): boolean {
  return have !== undefined && RANK[have] >= RANK[need];
}

export const slackUserId = z.string().regex(SLACK_USER_ID, 'must be a Slack user id such as U012ABCDEF');
export const slackGroupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user-group id such as S012ABCDEF');

export const rolesSchema = z
  .object({
    /** Slack user id → role. */
    users: z.record(slackUserId, z.enum(ROLES)).default({}),
    /** Slack user-group id → role; members are read with usergroups.users.list and cached briefly. */
    groups: z.record(slackGroupId, z.enum(ROLES)).default({}),
    /** Always admins, so a fresh deployment can be configured from Slack by someone. */
    bootstrapAdmins: z.array(slackUserId).default([]),
    /**
     * Account alias or id → who has which role THERE (issue 15: an operator in dev, a viewer in
     * prod). An account listed here uses only this mapping (plus bootstrap admins); an account
     * not listed, and the hub's own, use `users` and `groups` above.
     */
    accounts: z
      .record(
        z.string().min(1),
        z
          .object({
            users: z.record(slackUserId, z.enum(ROLES)).default({}),
            groups: z.record(slackGroupId, z.enum(ROLES)).default({}),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type RolesConfig = z.infer<typeof rolesSchema>;

/** The highest of several roles (undefined when none). */
export function highestRole(...roles: (Role | undefined)[]): Role | undefined {
  let best: Role | undefined;
  for (const role of roles) if (role && (!best || RANK[role] > RANK[best])) best = role;
  return best;
}

/**
 * A user's role: the highest of their own mapping, their groups' mappings and bootstrap admin.
 * Nobody has a role unless configured. `groupMembers` holds the members of each configured
 * group that could be read (a group that could not be read grants nothing).
 */
export function resolveRole(
  userId: string,
  roles: RolesConfig,
  groupMembers: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Role | undefined {
  const fromGroups = Object.entries(roles.groups)
    .filter(([group]) => groupMembers.get(group)?.has(userId))
    .map(([, role]) => role);
  return highestRole(
    roles.bootstrapAdmins.includes(userId) ? 'admin' : undefined,
    roles.users[userId],
    ...fromGroups,
  );
}

/** The role mapping that applies in one account (its alias and id): its own, or the stage's. */
export function rolesIn(roles: RolesConfig, account: { id: string; alias: string } | undefined): RolesConfig {
  const own = account && (roles.accounts?.[account.alias] ?? roles.accounts?.[account.id]);
  return own ? { users: own.users, groups: own.groups, bootstrapAdmins: roles.bootstrapAdmins } : roles;
}

/**
 * Who asks: a Slack user id and the configured user groups they are a member of (read by the
 * slack function with usergroups.users.list; the worker decides again from these and the config).
 */
export interface RoleHolder {
  id: string;
  groups?: readonly string[] | undefined;
}

/** Every user group the stage maps anywhere (stage-wide and per account): whose members to read. */
export function configuredGroups(roles: RolesConfig): string[] {
  const all = new Set(Object.keys(roles.groups));
  for (const own of Object.values(roles.accounts ?? {}))
    for (const group of Object.keys(own.groups)) all.add(group);
  return [...all].sort();
}

/**
 * A person's role in one account (undefined: the hub's own account), decided in this order
 * (docs/fleet.md, "Roles per account"):
 * 1. a bootstrap admin is an admin in every account;
 * 2. an account listed under `roles.accounts` (by alias or id) uses only its own `users` and
 *    `groups`, the highest that names the person: it overrides the stage-wide role up or down,
 *    and someone it does not name has no role there;
 * 3. any other account uses the stage-wide `users` and `groups`, the highest that names them.
 */
export function roleInAccount(
  user: RoleHolder,
  roles: RolesConfig,
  account: { id: string; alias: string } | undefined,
): Role | undefined {
  const mapping = rolesIn(roles, account);
  const groups = new Set(user.groups ?? []);
  return highestRole(
    roles.bootstrapAdmins.includes(user.id) ? 'admin' : undefined,
    mapping.users[user.id],
    ...Object.entries(mapping.groups)
      .filter(([group]) => groups.has(group))
      .map(([, role]) => role),
  );
}

/**
 * The highest role a person has in any account (the stage-wide mapping included): what the slack
 * function checks before the command's account is known; the worker then checks the account's own.
 */
export function roleAnywhere(user: RoleHolder, roles: RolesConfig): Role | undefined {
  const perAccount = Object.values(roles.accounts ?? {}).map((own) =>
    roleInAccount(user, { ...roles, users: own.users, groups: own.groups, accounts: undefined }, undefined),
  );
  return highestRole(roleInAccount(user, roles, undefined), ...perAccount);
}
