import { Ec2Store } from '../ec2/store';
import type { IamPolicy } from '../iam/policy';
import { type AssumedSession, isSessionKey, type SessionLookup, SessionTable } from './sessions';

/**
 * The accounts one emulator serves. The hub (the emulator's own account, 123456789012 unless
 * told otherwise) is what every long-term key acts in; member accounts are reached with
 * credentials from STS AssumeRole on one of their roles, as a hub reaches an organisation's
 * accounts. Each account has its own EC2 state (one Ec2Store); all share one clock and one set
 * of transition delays.
 */
export interface MemberRole {
  name: string;
  /** The access key ids (hub callers) the role's trust policy names; `'*'` trusts every hub caller. */
  trusted: readonly string[] | '*';
  /** When set, AssumeRole must carry exactly this ExternalId (the trust's sts:ExternalId condition). */
  externalId?: string | undefined;
  /** What the session may do; `'*'` for full access. */
  policy: IamPolicy | '*';
  /** Longest session the role grants (IAM's MaxSessionDuration; 3600 by default). */
  maxSessionSeconds: number;
  /** `missing`: the role is gone (a test breaking one account); AssumeRole on it is refused. */
  state: 'present' | 'missing';
}

export interface MemberAccountInput {
  id: string;
  alias?: string | undefined;
  /** The organisational unit the account sits in (Organizations); the root when absent. */
  ouId?: string | undefined;
  roles?: Array<Partial<MemberRole> & Pick<MemberRole, 'name'>> | undefined;
}

export interface Account {
  id: string;
  alias: string | undefined;
  ouId: string | undefined;
  store: Ec2Store;
  roles: Map<string, MemberRole>;
  /** Epoch ms on the emulator clock when the account joined (Organizations reports it). */
  joinedAt: number;
  hub: boolean;
}

/** How a request's credentials resolve: the account it acts in, and the session if STS issued them. */
export type Caller =
  | { kind: 'account'; account: Account; session?: AssumedSession | undefined }
  | { kind: 'expired'; session: AssumedSession }
  | { kind: 'unknown-session' };

export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const DEFAULT_MAX_SESSION_SECONDS = 3600;

export class AccountError extends Error {
  readonly code = 'emulator.account';
}

export class AccountRegistry {
  readonly hub: Account;
  readonly sessions = new SessionTable();
  private readonly members = new Map<string, Account>();
  /** Long-term keys that act in a member account directly (the sandbox's own per-account admin key). */
  private readonly memberKeys = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  /** Changes of the registry itself (accounts added), on top of the stores' own counters. */
  private ownChanges = 0;

  constructor(hubStore: Ec2Store) {
    this.hub = this.account(hubStore, undefined, undefined, true);
  }

  private account(
    store: Ec2Store,
    alias: string | undefined,
    ouId: string | undefined,
    hub = false,
  ): Account {
    store.onChange(() => this.notify());
    return { id: store.accountId, alias, ouId, store, roles: new Map(), joinedAt: store.clock.now(), hub };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  get clock() {
    return this.hub.store.clock;
  }

  /** Sums every store's counter: persistence and the sandbox watch it as they watch one store. */
  get changes(): number {
    let total = this.ownChanges + this.hub.store.changes;
    for (const account of this.members.values()) total += account.store.changes;
    return total;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds (or updates) a member account; its EC2 state starts empty and seeds regions on first use. */
  addMember(input: MemberAccountInput): Account {
    if (!ACCOUNT_ID_PATTERN.test(input.id))
      throw new AccountError(`account id must be 12 digits: ${input.id}`);
    if (input.id === this.hub.id) throw new AccountError(`${input.id} is the hub account`);
    if (input.alias !== undefined && !ALIAS_PATTERN.test(input.alias)) {
      throw new AccountError(`account alias must be lowercase letters, digits and dashes: ${input.alias}`);
    }
    const clash = input.alias === undefined ? undefined : this.find(input.alias);
    if (clash && clash.id !== input.id)
      throw new AccountError(`alias ${input.alias} is taken by ${clash.id}`);
    let account = this.members.get(input.id);
    if (!account) {
      const store = new Ec2Store({ accountId: input.id, clock: this.clock });
      // One set of delays for every account: `/_emulator/delays` changes them all at once.
      store.delays = this.hub.store.delays;
      account = this.account(store, input.alias, input.ouId);
      this.members.set(input.id, account);
      this.ownChanges += 1;
      this.notify();
    }
    if (input.alias !== undefined) account.alias = input.alias;
    if (input.ouId !== undefined) account.ouId = input.ouId;
    for (const role of input.roles ?? []) this.putRole(account.id, role);
    return account;
  }

  /** Creates or replaces a member role (fields not given keep their value, or the default). */
  putRole(accountId: string, input: Partial<MemberRole> & Pick<MemberRole, 'name'>): MemberRole {
    const account = this.get(accountId);
    if (!account || account.hub) throw new AccountError(`no member account ${accountId}`);
    const before = account.roles.get(input.name);
    const role: MemberRole = {
      name: input.name,
      trusted: input.trusted ?? before?.trusted ?? [],
      externalId: 'externalId' in input ? input.externalId : before?.externalId,
      policy: input.policy ?? before?.policy ?? { Version: '2012-10-17', Statement: [] },
      maxSessionSeconds: input.maxSessionSeconds ?? before?.maxSessionSeconds ?? DEFAULT_MAX_SESSION_SECONDS,
      state: input.state ?? before?.state ?? 'present',
    };
    account.roles.set(role.name, role);
    return role;
  }

  /** Lets a long-term key act in a member account directly (the sandbox's seeding and console). */
  bindKey(accessKeyId: string, accountId: string): void {
    if (!this.members.has(accountId)) throw new AccountError(`no member account ${accountId}`);
    this.memberKeys.set(accessKeyId, accountId);
  }

  get(id: string): Account | undefined {
    return id === this.hub.id ? this.hub : this.members.get(id);
  }

  /** By id or alias. */
  find(idOrAlias: string): Account | undefined {
    const byId = this.get(idOrAlias);
    if (byId) return byId;
    if (this.hub.alias === idOrAlias) return this.hub;
    for (const account of this.members.values()) if (account.alias === idOrAlias) return account;
    return undefined;
  }

  /** The hub first, then members by id. */
  all(): Account[] {
    return [this.hub, ...[...this.members.values()].sort((a, b) => a.id.localeCompare(b.id))];
  }

  memberAccounts(): Account[] {
    return this.all().slice(1);
  }

  /** Which account a request acts in, from the access key id (and session token) it was signed with. */
  resolve(accessKeyId: string | undefined, sessionToken: string | undefined): Caller {
    if (accessKeyId !== undefined && isSessionKey(accessKeyId)) {
      const found: SessionLookup = this.sessions.lookup(accessKeyId, sessionToken, this.clock.now());
      if (found.kind === 'unknown') return { kind: 'unknown-session' };
      if (found.kind === 'expired') return { kind: 'expired', session: found.session };
      const account = this.get(found.session.accountId);
      return account ? { kind: 'account', account, session: found.session } : { kind: 'unknown-session' };
    }
    const bound = accessKeyId === undefined ? undefined : this.memberKeys.get(accessKeyId);
    return { kind: 'account', account: (bound && this.members.get(bound)) || this.hub };
  }

  /** The policy a session is held to now: its role's, or nothing at all once the role is gone. */
  sessionPolicy(session: AssumedSession): IamPolicy | '*' {
    const role = this.get(session.accountId)?.roles.get(session.roleName);
    return role && role.state === 'present' ? role.policy : { Version: '2012-10-17', Statement: [] };
  }

  /** Every account's state: the hub's as a single-account file has it, members under `members`. */
  toJSON(): unknown {
    const hub = this.hub.store.toJSON() as Record<string, unknown>;
    if (this.members.size === 0) return hub;
    const members: Record<string, unknown> = {};
    for (const account of this.members.values()) {
      const { regions } = account.store.toJSON() as { regions: unknown };
      members[account.id] = { alias: account.alias, ouId: account.ouId, regions };
    }
    return { ...hub, members };
  }

  /** Replaces every account's state with a persisted one; accounts in the file are added. */
  load(json: unknown): void {
    this.hub.store.load(json);
    const members = (
      json as { members?: Record<string, { alias?: unknown; ouId?: unknown; regions?: unknown }> }
    ).members;
    for (const [id, value] of Object.entries(members ?? {})) {
      if (!ACCOUNT_ID_PATTERN.test(id) || !value || typeof value !== 'object') continue;
      const account = this.addMember({
        id,
        alias: typeof value.alias === 'string' ? value.alias : undefined,
        ouId: typeof value.ouId === 'string' ? value.ouId : undefined,
      });
      account.store.load({ version: 1, regions: value.regions ?? {} });
    }
  }

  /** Forgets every account's EC2 state (regions re-seed on next use); accounts and roles stay. */
  reset(): void {
    for (const account of this.all()) account.store.reset();
  }

  /** After the clock moved: every account's transitions look again. */
  wakeAll(): void {
    const now = this.clock.now();
    for (const account of this.all()) for (const state of account.store.regions()) state.wake(now);
  }
}
