import { registerControlRoute } from './control';
import type { Ec2ApiError } from './errors';
import type { Ec2Store } from './store';

/**
 * Request counters per action, so benchmarks and tests can count the API calls a job makes
 * (served as JSON at `GET /_emulator/stats`, reset with `DELETE /_emulator/stats`).
 */
export interface ActionStats {
  /** Every request that named this action, whatever its outcome. */
  requests: number;
  /** Requests that ran and succeeded (DryRun answers count as errors: EC2 sends them as errors). */
  ok: number;
  /** Error answers by code, including injected faults and throttling. */
  errors: Record<string, number>;
  /** Requests refused by throttling (token buckets or throttle-rate). */
  throttled: number;
  /** Requests failed by `error-rate`. */
  injected: number;
}

export interface StatsSnapshot {
  since: string;
  total: number;
  ok: number;
  errors: number;
  throttled: number;
  actions: Record<string, ActionStats>;
}

export type FaultReason = 'bucket' | 'throttle-rate' | 'error-rate';

/** Beyond this many distinct action names (garbage `Action=` values), counts go to `(other)`. */
const MAX_ACTIONS = 1000;

export class RequestStats {
  private actions = new Map<string, ActionStats>();
  private since = new Date();

  private entry(name: string): ActionStats {
    const action = this.actions.has(name) || this.actions.size < MAX_ACTIONS ? name : '(other)';
    let entry = this.actions.get(action);
    if (!entry) {
      entry = { requests: 0, ok: 0, errors: {}, throttled: 0, injected: 0 };
      this.actions.set(action, entry);
    }
    return entry;
  }

  /** Records one answered request. `fault` says why it failed when a fault caused it. */
  record(action: string, errorCode?: string, fault?: FaultReason): void {
    const entry = this.entry(action);
    entry.requests += 1;
    if (errorCode === undefined) {
      entry.ok += 1;
      return;
    }
    entry.errors[errorCode] = (entry.errors[errorCode] ?? 0) + 1;
    if (fault === 'bucket' || fault === 'throttle-rate') entry.throttled += 1;
    if (fault === 'error-rate') entry.injected += 1;
  }

  /** Requests recorded for one action (0 when none). */
  count(action: string): number {
    return this.actions.get(action)?.requests ?? 0;
  }

  snapshot(): StatsSnapshot {
    const actions: Record<string, ActionStats> = {};
    let total = 0;
    let ok = 0;
    let errors = 0;
    let throttled = 0;
    for (const name of [...this.actions.keys()].sort()) {
      const entry = this.actions.get(name)!;
      actions[name] = { ...entry, errors: { ...entry.errors } };
      total += entry.requests;
      ok += entry.ok;
      errors += entry.requests - entry.ok;
      throttled += entry.throttled;
    }
    return { since: this.since.toISOString(), total, ok, errors, throttled, actions };
  }

  reset(): void {
    this.actions = new Map();
    this.since = new Date();
  }
}

const faults = new WeakMap<Ec2ApiError, FaultReason>();

/** Marks an error as an injected fault, so the counters can tell it from the action's own errors. */
export function markFault(error: Ec2ApiError, reason: FaultReason): void {
  faults.set(error, reason);
}

const statsByStore = new WeakMap<Ec2Store, RequestStats>();

/** The counters of the emulator that owns `store` (the in-process view of `/_emulator/stats`). */
export function statsOf(store: Ec2Store): RequestStats {
  let stats = statsByStore.get(store);
  if (!stats) {
    stats = new RequestStats();
    statsByStore.set(store, stats);
  }
  return stats;
}

/** The server calls this once per answered EC2 request. */
export function recordRequest(store: Ec2Store, action: string, error?: Ec2ApiError): void {
  statsOf(store).record(action, error?.code, error ? faults.get(error) : undefined);
}

/*
 * Control endpoints (JSON):
 *   GET    /_emulator/stats     requests per action: {total, ok, errors, throttled, actions: {Name: {...}}}
 *   DELETE /_emulator/stats     start counting again
 *   (`?account=<id|alias>` picks an account, default the hub; see also /_emulator/stats/accounts)
 */
registerControlRoute('GET', '/_emulator/stats', ({ store }) => statsOf(store).snapshot());

// Without `?account=`, every account starts counting again (and the hub's counts are answered).
registerControlRoute('DELETE', '/_emulator/stats', ({ store, accounts, accountNamed }) => {
  for (const account of accountNamed ? [] : accounts.all()) statsOf(account.store).reset();
  statsOf(store).reset();
  return statsOf(store).snapshot();
});

/** `GET /_emulator/stats/accounts`: `{"<account id>": snapshot}` for every account served. */
registerControlRoute('GET', '/_emulator/stats/accounts', ({ accounts }) =>
  Object.fromEntries(accounts.all().map((a) => [a.id, statsOf(a.store).snapshot()])),
);
