import type { AccountView } from './types';

/**
 * Per-resource changes between two readings of the account, so the server sends what changed
 * instead of the whole fleet. Shared by the sandbox (which computes them) and the page (which
 * applies them): both sides key rows the same way.
 */
export const ACCOUNT_KINDS = ['instances', 'images', 'groups', 'rules', 'addresses'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
type Row<K extends AccountKind> = AccountView[K][number];

export interface AccountDelta {
  /** The version the change applies to; a page holding another version refetches once. */
  from: number;
  version: number;
  upsert: { [K in AccountKind]?: AccountView[K] };
  remove: { [K in AccountKind]?: string[] };
  /** The read error, or null once EC2 answers again; absent when unchanged. */
  error?: string | null;
}

/**
 * A row's identity; alias rows repeat a public image's id, so the alias is part of it, and with
 * several accounts the account is (ids are unique per account and region, as in EC2).
 */
export function rowKey<K extends AccountKind>(kind: K, row: Row<K>): string {
  const r = row as unknown as Record<string, unknown>;
  const at = r['account'] === undefined ? `${r['region']}` : `${r['account']}/${r['region']}`;
  switch (kind) {
    case 'instances':
    case 'groups':
      return `${at}/${r['id']}`;
    case 'images':
      return `${at}/${r['id']}/${r['alias'] ?? ''}`;
    case 'rules':
      return `${at}/${r['ruleId']}`;
    default:
      return `${at}/${r['allocationId']}`;
  }
}

/** Fields that move with the clock alone; the page derives them from `now`, so they are no change. */
const CLOCK_FIELDS = new Set(['timeLeftMs', 'idleMs', 'idleCostUsd']);
export const fingerprint = (row: object) =>
  JSON.stringify(row, (key, value) => (CLOCK_FIELDS.has(key) ? undefined : value));

/** What changed from `prev` to `next`; undefined when nothing did. */
export function diffAccount(
  prev: AccountView,
  next: AccountView,
  from: number,
): Omit<AccountDelta, 'version'> | undefined {
  const delta: Omit<AccountDelta, 'version'> = { from, upsert: {}, remove: {} };
  let changed = false;
  for (const kind of ACCOUNT_KINDS) {
    const before = new Map<string, string>();
    for (const row of prev[kind] as Row<typeof kind>[]) before.set(rowKey(kind, row), fingerprint(row));
    const upserts: Row<typeof kind>[] = [];
    for (const row of next[kind] as Row<typeof kind>[]) {
      const key = rowKey(kind, row);
      if (before.get(key) !== fingerprint(row)) upserts.push(row);
      before.delete(key);
    }
    if (upserts.length) (delta.upsert as Record<string, unknown>)[kind] = upserts;
    if (before.size) delta.remove[kind] = [...before.keys()];
    changed ||= upserts.length > 0 || before.size > 0;
  }
  if ((prev.error ?? null) !== (next.error ?? null)) {
    delta.error = next.error ?? null;
    changed = true;
  }
  return changed ? delta : undefined;
}

/** `view` with `delta` applied; rows keep their order, new rows go last. */
export function applyDelta(view: AccountView, delta: AccountDelta): AccountView {
  const out: AccountView = { ...view };
  for (const kind of ACCOUNT_KINDS) {
    const upserts = (delta.upsert[kind] ?? []) as Row<typeof kind>[];
    const removed = new Set(delta.remove[kind] ?? []);
    if (!upserts.length && !removed.size) continue;
    const fresh = new Map(upserts.map((row) => [rowKey(kind, row), row]));
    const rows: Row<typeof kind>[] = [];
    for (const row of view[kind] as Row<typeof kind>[]) {
      const key = rowKey(kind, row);
      if (removed.has(key)) continue;
      const replaced = fresh.get(key);
      fresh.delete(key);
      rows.push(replaced ?? row);
    }
    rows.push(...fresh.values());
    (out as unknown as Record<string, unknown>)[kind] = rows;
  }
  if (delta.error === null) delete out.error;
  else if (delta.error !== undefined) out.error = delta.error;
  return out;
}
