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

export class RequestStats {
  private actions = new Map<string, ActionStats>();
  private since = new Date();

  private entry(action: string): ActionStats {
    let entry = this.actions.get(action);
    if (!entry) {
      entry = { requests: 0, ok: 0, errors: {}, throttled: 0, injected: 0 };
      this.actions.set(action, entry);
    }
    return entry;
  }

  /** Records one answered request. `fault` says why it failed when a fault caused it. */
  record(action: string, errorCode?: string, fault?: 'bucket' | 'throttle-rate' | 'error-rate'): void {
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
