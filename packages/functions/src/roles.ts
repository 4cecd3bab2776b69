import type { StageConfig } from '@ec2ops/core/config';
import { configuredGroups, type Role, resolveRole, roleAnywhere } from '@ec2ops/core/config';
import type { WebClient } from '@slack/web-api';
import type { Logger } from './telemetry/log';

/**
 * Resolves a Slack user's role. Users and bootstrap admins come from config (no I/O). Groups
 * need `usergroups.users.list`, a Slack call made from the slack function, which must ack in
 * under 3 seconds. That is acceptable because:
 *  - it only happens when the stage maps groups and the user has no direct admin mapping,
 *  - members are cached per container for `slack.groupCacheSeconds` (one call per group per
 *    minute by default, not per request),
 *  - each lookup is bounded by `timeoutMs` (default 1,000 ms) with no retries; a group that
 *    cannot be read in time grants nothing this time (the user is refused with "try again",
 *    never given a role by mistake) and a stale cached list is used if there is one.
 * Doing it in the worker instead would queue requests from people with no role at all, and
 * authorisation after the ack cannot answer as promptly.
 */
export interface RoleResolver {
  resolve(userId: string): Promise<ResolvedRole>;
}

export interface ResolvedRole {
  /** The stage-wide role (users, groups, bootstrap admins): what approvals are decided with. */
  role: Role | undefined;
  /** The highest role in any account (issue 15): what lets a command through to the worker. */
  anywhere: Role | undefined;
  /** The configured groups (stage-wide and per account) the person is in, for the worker. */
  groups: string[];
  incomplete: boolean;
}

interface CacheEntry {
  members: Set<string>;
  at: number;
}

export function createRoleResolver(options: {
  config: StageConfig;
  client: Pick<WebClient, 'usergroups'>;
  logger: Logger;
  now?: () => number;
  timeoutMs?: number;
}): RoleResolver {
  const { config, client, logger } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 1000;
  const ttlMs = config.slack.groupCacheSeconds * 1000;
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<Set<string> | undefined>>();

  async function members(group: string): Promise<Set<string> | undefined> {
    const cached = cache.get(group);
    if (cached && now() - cached.at < ttlMs) return cached.members;
    const running = inflight.get(group);
    if (running) return running;
    const lookup = (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`usergroups.users.list ${group} timed out`)), timeoutMs);
        });
        const result = await Promise.race([client.usergroups.users.list({ usergroup: group }), timeout]);
        const fresh = new Set(result.users ?? []);
        cache.set(group, { members: fresh, at: now() });
        return fresh;
      } catch (error) {
        logger.warn({ err: error, group }, 'user group lookup failed');
        return cached?.members;
      } finally {
        clearTimeout(timer);
        inflight.delete(group);
      }
    })();
    inflight.set(group, lookup);
    return lookup;
  }

  return {
    async resolve(userId) {
      const direct = resolveRole(userId, config.roles);
      const groups = configuredGroups(config.roles);
      // An admin everywhere (bootstrap, or stage-wide with no per-account roles): no group changes that.
      const perAccount = Object.keys(config.roles.accounts ?? {}).length > 0;
      const adminEverywhere =
        config.roles.bootstrapAdmins.includes(userId) || (direct === 'admin' && !perAccount);
      if (adminEverywhere || groups.length === 0) {
        return {
          role: direct,
          anywhere: roleAnywhere({ id: userId }, config.roles),
          groups: [],
          incomplete: false,
        };
      }
      const lists = await Promise.all(groups.map(async (g) => [g, await members(g)] as const));
      const known = new Map(
        lists.filter((entry): entry is readonly [string, Set<string>] => entry[1] !== undefined),
      );
      const mine = [...known].filter(([, users]) => users.has(userId)).map(([group]) => group);
      return {
        role: resolveRole(userId, config.roles, known),
        anywhere: roleAnywhere({ id: userId, groups: mine }, config.roles),
        groups: mine,
        incomplete: known.size < groups.length,
      };
    },
  };
}
