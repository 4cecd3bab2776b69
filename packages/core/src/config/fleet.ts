import * as z from 'zod';
import { REGION } from '../aws-ids';
import { ForbiddenError, InputError } from '../errors';
import { type Role, type RoleHolder, type RolesConfig, roleAtLeast, roleInAccount } from './roles';

/**
 * The accounts a stage reaches beyond the hub's own (issue 15). The hub assumes a member role in
 * each; a stage without `accounts` or `organization` works in the hub account alone, as before.
 */

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
/** An Organizations OU id (`ou-<root>-<suffix>`), as the Organizations API validates it. */
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** Aliases are typed in Slack (`account=dev`): short, lower-case, never mistaken for an id. */
const ACCOUNT_ALIAS = /^[a-z][a-z0-9-]{0,31}$/;
/** What STS accepts as an ExternalId: 2–1224 characters of [\w+=,.@:/-]. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** An IAM role name (path-less). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export const accountSchema = z
  .object({
    id: z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account id such as 111111111111'),
    alias: z
      .string()
      .regex(
        ACCOUNT_ALIAS,
        'must be lower-case letters, digits and dashes, starting with a letter (e.g. dev)',
      ),
    /** Regions ec2ops acts in there; default: the stage's regions. */
    regions: z.array(z.string().regex(REGION, 'must be an AWS region such as eu-west-1')).min(1).optional(),
    /** The member role to assume; default `ec2ops-member-<stage>`. */
    roleName: z
      .string()
      .regex(ROLE_NAME, 'must be an IAM role name (letters, digits and +=,.@_-)')
      .optional(),
    /** Passed to AssumeRole; the member role's trust requires it (confused-deputy guard). */
    externalId: z
      .string()
      .regex(EXTERNAL_ID, 'must be 2–1224 characters of letters, digits and +=,.@:/-')
      .optional(),
  })
  .strict();
export type AccountConfig = z.infer<typeof accountSchema>;

export const organizationSchema = z
  .object({
    /** OUs whose accounts are targets (ListAccountsForParent); none: every account (ListAccounts). */
    ous: z.array(z.string().regex(OU_ID, 'must be an OU id such as ou-ab12-cd34ef56')).default([]),
    /** How long a discovered account list is reused before Organizations is read again. */
    cacheMinutes: z.number().int().min(1).max(1440).default(15),
  })
  .strict();
export type OrganizationConfig = z.infer<typeof organizationSchema>;

export const channelBindingSchema = z
  .object({
    /** The account commands in this channel act in unless they say `account=`. */
    account: z.string().min(1).optional(),
    /** The region commands in this channel act in unless they say `region=`. */
    region: z.string().regex(REGION, 'must be an AWS region such as eu-west-1').optional(),
  })
  .strict();
export type ChannelBinding = z.infer<typeof channelBindingSchema>;

/**
 * How a fan-out run uses the queue (issues 15 and 20): shards at once (the event source mapping's
 * maximumConcurrency, 2–1000 as Lambda allows), continuations a shard may take past its first
 * invocation, and how long after its start a run reports whatever finished (naming the rest).
 */
export const fanOutSchema = z
  .object({
    shardConcurrency: z.number().int().min(2).max(1000).default(10),
    continuations: z.number().int().min(0).max(20).default(5),
    runDeadlineMinutes: z.number().int().min(1).max(1440).default(120),
  })
  .strict();
export type FanOutConfig = z.infer<typeof fanOutSchema>;

/** The role every member account carries unless the account names another. */
export function defaultMemberRoleName(stage: string): string {
  return `ec2ops-member-${stage}`;
}

/** `arn:aws:iam::<account>:role/<name>`: what the hub assumes. */
export function memberRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

interface FleetSettings {
  stage: string;
  regions: string[];
  accounts?: AccountConfig[] | undefined;
  channels?: Record<string, ChannelBinding> | undefined;
  roles: { accounts?: Record<string, unknown> | undefined };
}

/**
 * Cross-field checks a person can act on: aliases and ids unique, account regions among what
 * the policies allow, channel bindings and per-account roles naming configured accounts.
 */
export function checkFleet(
  stage: FleetSettings,
  issue: (path: (string | number)[], message: string) => void,
) {
  const accounts = stage.accounts ?? [];
  const seenIds = new Map<string, number>();
  const seenAliases = new Map<string, number>();
  accounts.forEach((account, i) => {
    const id = seenIds.get(account.id);
    if (id !== undefined)
      issue(['accounts', i, 'id'], `account ${account.id} is already listed at accounts.${id}`);
    else seenIds.set(account.id, i);
    const alias = seenAliases.get(account.alias);
    if (alias !== undefined) {
      issue(['accounts', i, 'alias'], `alias "${account.alias}" is already used by accounts.${alias}`);
    } else seenAliases.set(account.alias, i);
  });
  const known = (ref: string) => seenIds.has(ref) || seenAliases.has(ref);
  const names = accounts.map((a) => a.alias).join(', ') || '(none configured)';
  for (const [channel, binding] of Object.entries(stage.channels ?? {})) {
    if (binding.account !== undefined && !known(binding.account)) {
      issue(
        ['channels', channel, 'account'],
        `"${binding.account}" is not a configured account; known: ${names}`,
      );
    }
    if (binding.region !== undefined) {
      const account = binding.account === undefined ? undefined : findAccount(accounts, binding.account);
      const regions = account?.regions ?? stage.regions;
      if (!regions.includes(binding.region)) {
        issue(['channels', channel, 'region'], `${binding.region} is not one of ${regions.join(', ')}`);
      }
    }
  }
  for (const ref of Object.keys(stage.roles.accounts ?? {})) {
    if (!known(ref))
      issue(['roles', 'accounts', ref], `"${ref}" is not a configured account; known: ${names}`);
  }
}

/** The configured account an alias or id names. */
export function findAccount<A extends { id: string; alias: string }>(
  accounts: readonly A[],
  ref: string,
): A | undefined {
  return accounts.find((a) => a.alias === ref || a.id === ref);
}

/** What decides where a command acts: the stage's regions, accounts and channel bindings. */
export interface CommandPlaces {
  regions: string[];
  accounts?: AccountConfig[] | undefined;
  channels?: Record<string, ChannelBinding> | undefined;
}

/** Where a command acts: a member account (undefined: the hub's own) and one of its regions. */
export interface CommandTarget {
  account: AccountConfig | undefined;
  region: string;
}

/**
 * Resolves `account=` and `region=` of a command: what the command says, else the channel's
 * binding, else the stage (the hub account when it lists no members, else the first member; the
 * stage's first region). Refuses an account or region the stage does not use, naming the choices.
 */
export function chooseTarget(
  config: CommandPlaces,
  asked: { account?: string | undefined; region?: string | undefined; channel?: string | undefined },
): CommandTarget {
  const accounts = config.accounts ?? [];
  const binding = asked.channel ? config.channels?.[asked.channel] : undefined;
  const ref = asked.account ?? binding?.account;
  let account: AccountConfig | undefined;
  if (ref !== undefined) {
    account = findAccount(accounts, ref);
    if (!account) {
      const known = accounts.map((a) => a.alias).join(', ');
      throw new InputError(
        'fleet.unknown-account',
        known
          ? `"${ref}" is not an account of this stage; use one of ${known}`
          : `this stage acts in one account only; drop account=${ref}`,
      );
    }
  } else account = accounts[0];
  const regions = account?.regions ?? config.regions;
  // A channel's region goes with its account: naming another account drops it.
  const boundRegion = asked.account === undefined ? binding?.region : undefined;
  const region = asked.region ?? boundRegion ?? regions[0]!;
  if (!regions.includes(region)) {
    throw new InputError(
      'fleet.unknown-region',
      `${region} is not a region ec2ops uses there; use one of ${regions.join(', ')}`,
    );
  }
  return { account, region };
}

/**
 * The commands that list across every account and region the person may see (issue 15) when no
 * `account=` names one; with `account=`/`region=` (or a bound channel) they narrow to it.
 */
export const SPANNING_COMMANDS: ReadonlySet<string> = new Set(['list', 'access', 'eip list', 'ami list']);

/** The refusal of a command in an account where the person's role is below what it needs. */
export function noRoleThere(
  command: { name: string; role: Role },
  alias: string,
  have: Role | undefined,
): ForbiddenError {
  return new ForbiddenError(
    'fleet.no-role-there',
    `\`${command.name}\` needs the ${command.role} role in account ${alias}; you have ${have ? `the ${have} role` : 'no role'} there.`,
    { hint: 'Ask an ec2ops admin for a role in that account (roles.accounts in the stage config).' },
  );
}

/** An account a spanning list reads: a member (id, alias, its regions), or the hub's own (no id). */
export interface SpanAccount {
  id: string | undefined;
  alias: string;
  regions: readonly string[];
}

/** One (account, region) a spanning list reads, with the person's role there (for row buttons). */
export interface SpanPlace {
  account: SpanAccount;
  region: string;
  role: Role;
}

/**
 * Where a spanning list reads. With `account=` (or a channel bound to an account) that account
 * alone, refused when the person's role there is below `need`; otherwise every account where it
 * is at least `need`, the others silently left out (they are not the person's to see). `region=`
 * (or the channel's region) narrows every account to that region. Accounts in the order given,
 * regions in each account's order, so pages stay stable.
 */
export function spanPlaces(
  config: CommandPlaces & { roles: RolesConfig },
  accounts: readonly SpanAccount[],
  user: RoleHolder,
  asked: { account?: string | undefined; region?: string | undefined; channel?: string | undefined },
  command: { name: string; role: Role },
): SpanPlace[] {
  const binding = asked.channel ? config.channels?.[asked.channel] : undefined;
  const ref = asked.account ?? binding?.account;
  const region = asked.region ?? (asked.account === undefined ? binding?.region : undefined);
  const roleOf = (a: SpanAccount) =>
    roleInAccount(user, config.roles, a.id === undefined ? undefined : { id: a.id, alias: a.alias });
  if (ref !== undefined) {
    const account = accounts.find((a) => a.alias === ref || a.id === ref);
    if (!account) {
      // The same refusal (and wording) as every other command.
      chooseTarget(config, { account: ref });
      throw new InputError('fleet.unknown-account', `"${ref}" is not an account of this stage`);
    }
    const role = roleOf(account);
    if (!roleAtLeast(role, command.role)) throw noRoleThere(command, account.alias, role);
    if (region !== undefined && !account.regions.includes(region)) {
      throw new InputError(
        'fleet.unknown-region',
        `${region} is not a region ec2ops uses there; use one of ${account.regions.join(', ')}`,
      );
    }
    return (region === undefined ? account.regions : [region]).map((r) => ({
      account,
      region: r,
      role: role!,
    }));
  }
  if (region !== undefined && !accounts.some((a) => a.regions.includes(region))) {
    const all = [...new Set(accounts.flatMap((a) => a.regions))];
    throw new InputError(
      'fleet.unknown-region',
      `${region} is not a region ec2ops uses; use one of ${all.join(', ')}`,
    );
  }
  const places: SpanPlace[] = [];
  for (const account of accounts) {
    const role = roleOf(account);
    if (!role || !roleAtLeast(role, command.role)) continue;
    for (const r of account.regions)
      if (region === undefined || r === region) places.push({ account, region: r, role });
  }
  return places;
}

/** Where a listed row lives: a member account's alias (absent for the hub's own) and a region. */
export interface RowPlace {
  account?: string | undefined;
  region: string;
}

/** `dev/eu-west-1`, or just the region in the hub's own account. */
export function placeLabel(place: RowPlace): string {
  return place.account === undefined ? place.region : `${place.account}/${place.region}`;
}

/**
 * What a row's button adds to the command it runs, so it acts in the row's account and region
 * and the role is checked there again: ` account=dev region=eu-west-1` (nothing in the hub's own
 * account, where the command finds the resource in every region as before).
 */
export function placeArgs(place: RowPlace): string {
  return place.account === undefined ? '' : ` account=${place.account} region=${place.region}`;
}

/** Orders rows by account (hub first), then region: the tie-break every spanning list uses. */
export function comparePlaces(a: RowPlace, b: RowPlace): number {
  return (a.account ?? '').localeCompare(b.account ?? '') || a.region.localeCompare(b.region);
}
