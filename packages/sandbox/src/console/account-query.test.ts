import { describe, expect, it } from 'vitest';
import {
  NO_FILTER,
  PAGE_SIZE,
  patchPage,
  queryAccount,
  queryFromParams,
  queryToParams,
} from './account-query';
import type { AccountView, InstanceRow } from './types';

const instance = (n: number, over: Partial<InstanceRow> = {}): InstanceRow => ({
  account: n % 2 ? 'hub' : 'dev',
  region: n % 3 ? 'us-east-1' : 'eu-west-1',
  id: `i-${String(n).padStart(4, '0')}`,
  name: `web-${n}`,
  state: n % 5 ? 'running' : 'stopped',
  type: 't3.micro',
  imageId: 'ami-1',
  owner: n % 4 ? 'UOPERATOR' : 'UADMIN',
  managed: true,
  bake: false,
  ...over,
});

const view = (count: number): AccountView => ({
  regions: ['us-east-1', 'eu-west-1'],
  accounts: ['hub', 'dev'],
  instances: [
    ...Array.from({ length: count }, (_, i) => instance(i)),
    instance(count, { state: 'terminated' }),
  ],
  images: [],
  groups: [],
  rules: [],
  addresses: [],
});
const names = (id: string) => ({ UADMIN: 'Ada Admin', UOPERATOR: 'Omar Operator' })[id] ?? id;

describe('the account query', () => {
  it('pages every row exactly once, terminated instances left out', () => {
    const v = view(237);
    const seen: string[] = [];
    for (let page = 0; page * PAGE_SIZE < 237; page++) {
      const result = queryAccount(v, 7, { filter: NO_FILTER, pages: { instances: page } }, names);
      expect(result.instances.length).toBeLessThanOrEqual(PAGE_SIZE);
      expect(result).toMatchObject({ version: 7, terminated: 1, totals: { instances: 237 } });
      seen.push(...result.instances.map((i) => i.id));
    }
    expect(seen).toHaveLength(237);
    expect(new Set(seen).size).toBe(237);
    // A page past the end is the last page.
    const past = queryAccount(v, 7, { filter: NO_FILTER, pages: { instances: 99 } }, names);
    expect(past.pages.instances).toBe(4);
    expect(past.instances.map((i) => i.id)).toEqual(seen.slice(200));
  });

  it('filters by account, region, owner (by name too), state and search words', () => {
    const v = view(120);
    const q = (filter: Partial<typeof NO_FILTER>) =>
      queryAccount(v, 1, { filter: { ...NO_FILTER, ...filter }, pages: {} }, names);
    const all = v.instances.filter((i) => i.state !== 'terminated');
    const check = (filter: Partial<typeof NO_FILTER>, keep: (i: InstanceRow) => boolean) => {
      const result = q(filter);
      expect(result.totals.instances).toBe(all.filter(keep).length);
      expect(result.instances.every(keep)).toBe(true);
    };
    check({ account: 'dev' }, (i) => i.account === 'dev');
    check({ region: 'eu-west-1', account: 'hub' }, (i) => i.region === 'eu-west-1' && i.account === 'hub');
    check({ owner: 'UADMIN' }, (i) => i.owner === 'UADMIN');
    check({ state: 'stopped' }, (i) => i.state === 'stopped');
    check({ search: 'ada web-1' }, (i) => i.owner === 'UADMIN' && (i.name ?? '').includes('web-1'));
    expect(q({}).owners).toEqual(['UADMIN', 'UOPERATOR']);
    expect(q({}).states).toEqual(['running', 'stopped']);
  });

  it('round-trips through URL parameters and ignores bad page numbers', () => {
    const query = { filter: { ...NO_FILTER, search: 'a&b=c', owner: 'UADMIN' }, pages: { rules: 3 } };
    expect(queryFromParams(new URLSearchParams(queryToParams(query)))).toEqual(query);
    expect(queryFromParams(new URLSearchParams('instancesPage=-1&imagesPage=x')).pages).toEqual({});
  });

  it('patches the rows a page shows, and says when it must ask again', () => {
    const page = queryAccount(view(120), 3, { filter: NO_FILTER, pages: {} }, names);
    const shown = page.instances[1]!;
    const renamed = { ...shown, name: 'renamed' };
    const onPage = patchPage(
      page,
      { from: 3, version: 4, upsert: { instances: [renamed] }, remove: {} },
      false,
    );
    expect(onPage.stale).toBe(false);
    expect(onPage.page.version).toBe(4);
    expect(onPage.page.instances[1]).toEqual(renamed);
    expect(page.instances[1]).toBe(shown);
    // A row the page does not show, a removal, or any change under a filter: ask again.
    const offPage = { ...instance(119), name: 'elsewhere' };
    expect(
      patchPage(page, { from: 3, version: 4, upsert: { instances: [offPage] }, remove: {} }, false).stale,
    ).toBe(true);
    const key = `${shown.account}/${shown.region}/${shown.id}`;
    const removed = patchPage(page, { from: 3, version: 4, upsert: {}, remove: { instances: [key] } }, false);
    expect(removed.stale).toBe(true);
    expect(removed.page.instances.map((i) => i.id)).not.toContain(shown.id);
    expect(
      patchPage(page, { from: 3, version: 4, upsert: { instances: [renamed] }, remove: {} }, true).stale,
    ).toBe(true);
  });
});
