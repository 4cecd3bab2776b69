import { type AccountDelta, rowKey } from './account-delta';
import type { AccountView } from './types';

/**
 * One page of the account as the console shows it: the server filters and pages its in-memory
 * view, so the page receives at most a page of rows per table however large the fleet is.
 * Shared by the sandbox (which answers) and the page (which asks and patches with deltas).
 */
export const PAGE_SIZE = 50;
export const TABLES = ['instances', 'images', 'rules', 'addresses'] as const;
export type TableName = (typeof TABLES)[number];

export interface AccountFilter {
  search: string;
  /** An account label ('' = every account). */
  account: string;
  region: string;
  owner: string;
  state: string;
}

/** How many of the instances running an image its row names (it counts them all). */
export const USED_BY_LISTED = 5;

/** An image row's use: how many instances run it and the first few ids, so a popular image stays a small row. */
export function usage(ids: Iterable<string>): { usedBy: string[]; inUse: number } {
  const all = [...ids].sort();
  return { usedBy: all.slice(0, USED_BY_LISTED), inUse: all.length };
}

export const NO_FILTER: AccountFilter = { search: '', account: '', region: '', owner: '', state: '' };

export interface AccountQuery {
  filter: AccountFilter;
  /** The page asked for per table, from 0 (past the end: the last page). */
  pages: Partial<Record<TableName, number>>;
}

/** An AccountView holding one page of each table, with what the page needs to page and filter. */
export interface AccountPage extends AccountView {
  version: number;
  /** Rows matching the filter, per table (the page shows `PAGE_SIZE` of them). */
  totals: Record<TableName, number>;
  /** The page each table shows (the one asked for, kept within its rows). */
  pages: Record<TableName, number>;
  /** Owners and instance states across the account, for the filter's choices. */
  owners: string[];
  states: string[];
  /** Terminated instances, which the tables leave out. */
  terminated: number;
}

/** Whether any of a row's texts contains the search words (all of them, any case). */
function matches(words: string[], ...texts: (string | undefined)[]): boolean {
  if (!words.length) return true;
  const hay = texts.filter(Boolean).join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Reads a query from URL parameters (the page's `/console/api/account?…`); bad values are ignored. */
export function queryFromParams(params: URLSearchParams): AccountQuery {
  const filter = { ...NO_FILTER };
  for (const key of Object.keys(NO_FILTER) as (keyof AccountFilter)[]) {
    filter[key] = (params.get(key) ?? '').slice(0, 200);
  }
  const pages: AccountQuery['pages'] = {};
  for (const table of TABLES) {
    const given = params.get(`${table}Page`);
    const page = Number(given);
    if (given !== null && Number.isInteger(page) && page >= 0) pages[table] = page;
  }
  return { filter, pages };
}

export function queryToParams(q: AccountQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q.filter)) if (value) params.set(key, value);
  for (const [table, page] of Object.entries(q.pages)) if (page) params.set(`${table}Page`, String(page));
  return params.toString();
}

/** Filters every table, then cuts the page asked for out of each. */
export function queryAccount(
  view: AccountView,
  version: number,
  q: AccountQuery,
  nameOf: (id: string) => string,
): AccountPage {
  const f = q.filter;
  const words = f.search.toLowerCase().split(/\s+/).filter(Boolean);
  // A row is "in region" when it is in the chosen account and region (both filters at once).
  const inRegion = (region: string, label?: string) =>
    (!f.region || region === f.region) && (!f.account || label === f.account);
  const ownedBy = (owner: string | undefined) => !f.owner || owner === f.owner;
  const inState = (state: string) => !f.state || state === f.state;

  const all = view.instances.filter((i) => i.state !== 'terminated');
  const owners = [...new Set([...all.map((i) => i.owner), ...view.rules.map((r) => r.owner)])]
    .filter((o): o is string => Boolean(o))
    .sort();
  const states = [...new Set(all.map((i) => i.state))].sort();
  const filtered = {
    instances: all.filter(
      (i) =>
        inRegion(i.region, i.account) &&
        ownedBy(i.owner) &&
        inState(i.state) &&
        matches(words, i.id, i.name, i.type, i.imageId, i.publicIp, i.owner && nameOf(i.owner)),
    ),
    images: view.images.filter(
      (img) =>
        inRegion(img.region, img.account) &&
        !f.owner &&
        inState(img.state) &&
        matches(words, img.id, img.name, img.alias, img.sourceInstance),
    ),
    rules: view.rules.filter(
      (r) =>
        inRegion(r.region, r.account) &&
        ownedBy(r.owner) &&
        !f.state &&
        matches(words, r.ruleId, r.groupId, r.groupName, r.source, r.ports, r.owner && nameOf(r.owner)),
    ),
    addresses: view.addresses.filter(
      (a) =>
        inRegion(a.region, a.account) &&
        !f.owner &&
        !f.state &&
        matches(words, a.publicIp, a.allocationId, a.instanceId),
    ),
  };
  const totals = {} as AccountPage['totals'];
  const pages = {} as AccountPage['pages'];
  const cut = <T>(table: TableName, rows: T[]): T[] => {
    const last = Math.max(0, Math.ceil(rows.length / PAGE_SIZE) - 1);
    const at = Math.min(q.pages[table] ?? 0, last);
    totals[table] = rows.length;
    pages[table] = at;
    return rows.slice(at * PAGE_SIZE, (at + 1) * PAGE_SIZE);
  };
  return {
    version,
    regions: view.regions,
    ...(view.accounts ? { accounts: view.accounts } : {}),
    ...(view.error ? { error: view.error } : {}),
    ...(view.ipv4PricePerHour === undefined ? {} : { ipv4PricePerHour: view.ipv4PricePerHour }),
    instances: cut('instances', filtered.instances),
    images: cut('images', filtered.images),
    rules: cut('rules', filtered.rules),
    addresses: cut('addresses', filtered.addresses),
    // The page names the on-request groups only.
    groups: view.groups.filter((g) => g.onRequest && inRegion(g.region, g.account)),
    totals,
    pages,
    owners,
    states,
    terminated: view.instances.length - all.length,
  };
}

/**
 * A page with a delta applied to the rows it shows. `stale` when the delta may change what the
 * page should show beyond those rows (a row added, removed or moved out of the filter), so the
 * page asks for itself again.
 */
export function patchPage(
  page: AccountPage,
  delta: AccountDelta,
  filtered: boolean,
): { page: AccountPage; stale: boolean } {
  const next: AccountPage = { ...page, version: delta.version };
  let stale = Boolean(delta.upsert.groups?.length || delta.remove.groups?.length);
  for (const kind of TABLES) {
    const upserts = (delta.upsert[kind] ?? []) as AccountView[typeof kind][number][];
    const removed = new Set(delta.remove[kind] ?? []);
    if (!upserts.length && !removed.size) continue;
    const fresh = new Map(upserts.map((row) => [rowKey(kind, row), row]));
    const rows = (page[kind] as AccountView[typeof kind][number][]).flatMap((row) => {
      const key = rowKey(kind, row);
      if (removed.has(key)) return [];
      const replaced = fresh.get(key);
      fresh.delete(key);
      return [replaced ?? row];
    });
    (next as unknown as Record<string, unknown>)[kind] = rows;
    stale ||= removed.size > 0 || fresh.size > 0 || filtered;
  }
  if (delta.error === null) delete next.error;
  else if (delta.error !== undefined) next.error = delta.error;
  return { page: next, stale };
}
