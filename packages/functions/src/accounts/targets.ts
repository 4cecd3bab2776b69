import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { StageConfig } from '@ec2ops/core/config';
import { type AccountConfig, defaultMemberRoleName, memberRoleArn } from '@ec2ops/core/config';

/**
 * Where a command or a job shard acts: an account (the hub's own, or a member reached through
 * its role) and the regions ec2ops uses there.
 */
export interface Target {
  /** 12-digit id; `undefined` for the hub's own account (whatever the function runs in). */
  id: string | undefined;
  /** What people type and read: `dev`, `prod`; `hub` for the hub's own account. */
  alias: string;
  regions: string[];
  /** The member role to assume; absent for the hub's own account. */
  roleArn?: string | undefined;
  externalId?: string | undefined;
}

/** The alias of the hub's own account when the stage lists no members. */
export const HUB_ALIAS = 'hub';

/** The one target of a stage without a fleet: the hub's own account, as ec2ops always worked. */
export function hubTarget(config: StageConfig): Target {
  return { id: undefined, alias: HUB_ALIAS, regions: [...config.regions] };
}

/** A configured member account as a target (role and regions defaulted from the stage). */
export function memberTarget(config: StageConfig, account: AccountConfig): Target {
  return {
    id: account.id,
    alias: account.alias,
    regions: [...(account.regions ?? config.regions)],
    roleArn: memberRoleArn(account.id, account.roleName ?? defaultMemberRoleName(config.stage)),
    externalId: account.externalId,
  };
}

/** `account 111111111111 (dev)`, or `the hub account`: how reports and errors name a target. */
export function targetLabel(target: Pick<Target, 'id' | 'alias'>): string {
  return target.id ? `${target.alias} (${target.id})` : 'the hub account';
}

/** The key shards, caches and leases use for a target's account. */
export function targetKey(target: Pick<Target, 'id'>): string {
  return target.id ?? 'self';
}

/**
 * An Organizations account name becomes an alias people can type: lower case, dashes, and the
 * id when two names would collide or the name has nothing usable.
 */
function aliasOf(account: Account, taken: Set<string>): string {
  const slug = (account.Name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 32);
  const alias = slug && !taken.has(slug) ? slug : `acct-${account.Id}`;
  taken.add(alias);
  return alias;
}

/** Reads the organization's active accounts (every one, or the named OUs' direct members). */
export async function discoverAccounts(
  client: OrganizationsClient,
  ous: readonly string[],
): Promise<Account[]> {
  const found: Account[] = [];
  const pages = async (
    next: (token: string | undefined) => Promise<{ Accounts?: Account[]; NextToken?: string }>,
  ) => {
    let token: string | undefined;
    do {
      const page = await next(token);
      found.push(...(page.Accounts ?? []));
      token = page.NextToken;
    } while (token);
  };
  let management: string | undefined;
  if (ous.length === 0) {
    await pages((NextToken) => client.send(new ListAccountsCommand({ NextToken })));
    // ListAccounts includes the management account, where the hub runs or that it must not touch.
    management = (await client.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId;
  }
  for (const ou of ous) {
    await pages((NextToken) => client.send(new ListAccountsForParentCommand({ ParentId: ou, NextToken })));
  }
  // Suspended and closing accounts cannot be acted in; the API names the state `Status` or `State`.
  return found.filter((a) => a.Id !== management && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE');
}

export interface TargetResolver {
  /** Every account the stage reaches: configured members and discovered ones, or the hub alone. */
  all(): Promise<Target[]>;
}

/**
 * The stage's targets: configured accounts first (their settings win), then the accounts
 * Organizations lists, cached `organization.cacheMinutes` so a fan-out does not list the
 * organization once per shard.
 */
export function targetResolver(
  config: StageConfig,
  options: { organizations?: OrganizationsClient | undefined; now: () => Date },
): TargetResolver {
  const configured = (config.accounts ?? []).map((a) => memberTarget(config, a));
  let cached: { at: number; targets: Promise<Target[]> } | undefined;
  const discover = async (): Promise<Target[]> => {
    const org = config.organization;
    if (!org || !options.organizations) return [];
    const accounts = await discoverAccounts(options.organizations, org.ous);
    const known = new Set(configured.map((t) => t.id));
    const taken = new Set(configured.map((t) => t.alias));
    return accounts
      .filter((a) => a.Id && !known.has(a.Id))
      .map((a) => memberTarget(config, { id: a.Id!, alias: aliasOf(a, taken) }));
  };
  return {
    async all() {
      if (!config.organization) return configured.length ? configured : [hubTarget(config)];
      const now = options.now().getTime();
      if (!cached || now - cached.at >= config.organization.cacheMinutes * 60_000) {
        const targets = discover().then((found) => [...configured, ...found]);
        cached = { at: now, targets };
        // A failed listing is not cached: the next call asks again.
        targets.catch(() => {
          if (cached?.targets === targets) cached = undefined;
        });
      }
      return cached.targets;
    },
  };
}
