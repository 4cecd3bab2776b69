import { type AccountDelta, type AccountKind, fingerprint } from '../console/account-delta';
import { usage } from '../console/account-query';
import type { AccountView, AddressRow, GroupRow, ImageRow, InstanceRow, RuleRow } from '../console/types';
import type { AddressRecord } from '../ec2/actions/address-model';
import { isHiddenAsDeprecated } from '../ec2/actions/image-lifecycle-rules';
import { ownedBy } from '../ec2/actions/owners';
import type { SecurityGroupRuleRecord } from '../ec2/actions/security-group-model';
import { matchesWildcard } from '../ec2/filters';
import type { ImageRecord, InstanceRecord, SecurityGroupRecord } from '../ec2/model';
import type { Ec2Store, RegionState, Tag } from '../ec2/store';
import type { AccountViewOptions } from './account-view';

/**
 * The console's view of every account, kept in memory and updated from the emulator's own
 * record of what each change touched (Ec2Store.trackChanges), so a change to one instance of a
 * 10,000-resource fleet costs one row, not a read of the account. The rows are the ones
 * `readAccountView` derives through the EC2 API (a test holds the two equal).
 */
export interface IndexedAccount {
  /** Shown in the console's account column and filter (the alias, or the id). */
  label: string;
  store: Ec2Store;
  regions: string[];
}

export type AccountIndexOptions = Omit<AccountViewOptions, 'ec2' | 'accounts'> & {
  accounts: IndexedAccount[];
};

/** What changed since the last update, or undefined when nothing did. */
export type AccountChange = Omit<AccountDelta, 'from' | 'version'>;

type Rows = { [K in AccountKind]: Map<string, AccountView[K][number]> };

/** One account's region: its rows by key, with their fingerprints and the links between them. */
class Shard {
  rows: Rows = {
    instances: new Map(),
    images: new Map(),
    groups: new Map(),
    rules: new Map(),
    addresses: new Map(),
  };
  prints = new Map<string, string>();
  /** Instances (not terminated) by the image they run: an image row's `usedBy`. */
  usedBy = new Map<string, Set<string>>();
  /** Rule ids by group id: a rule row shows its group's name. */
  rulesOf = new Map<string, Set<string>>();
  aliasKeys = new Set<string>();
  constructor(
    readonly account: IndexedAccount,
    readonly region: string,
  ) {}
}

const tagsOf = (tags: Tag[] | undefined) => new Map((tags ?? []).map((t) => [t.key, t.value]));
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const epoch = (text: string | undefined): number | undefined => {
  const value = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(value) ? undefined : value;
};
const ports = (from: number | undefined, to: number | undefined) =>
  from === undefined || from === -1 ? 'all' : from === to ? String(from) : `${from}-${to}`;
const addTo = (index: Map<string, Set<string>>, key: string, id: string) => {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(id);
};

export class AccountIndex {
  private shards: Shard[] = [];
  private built = false;

  constructor(private readonly o: AccountIndexOptions) {
    for (const account of o.accounts) account.store.trackChanges = true;
  }

  /** The whole view (the first page load, or a page that missed a version). */
  view(): AccountView {
    if (!this.built) this.update();
    const view: AccountView = {
      regions: [...new Set([...this.o.regions, ...this.o.accounts.flatMap((a) => a.regions)])],
      accounts: this.o.accounts.map((a) => a.label),
      instances: [],
      images: [],
      groups: [],
      rules: [],
      addresses: [],
      ipv4PricePerHour: this.o.ipv4PricePerHour,
    };
    for (const shard of this.shards) {
      view.instances.push(...shard.rows.instances.values());
      view.images.push(...sortImages([...shard.rows.images.values()]));
      view.groups.push(...shard.rows.groups.values());
      view.rules.push(...shard.rows.rules.values());
      view.addresses.push(...shard.rows.addresses.values());
    }
    return view;
  }

  /** Takes in what changed since the last call; returns the rows that differ. */
  update(): AccountChange | undefined {
    const change: AccountChange = { upsert: {}, remove: {} };
    let changed = false;
    const firstBuild = !this.built;
    if (firstBuild) {
      this.shards = this.o.accounts.flatMap((a) => a.regions.map((region) => new Shard(a, region)));
      this.built = true;
    }
    const whole = new Set<Ec2Store>();
    for (const a of this.o.accounts) {
      if (a.store.untracked || firstBuild) whole.add(a.store);
      a.store.untracked = false;
    }
    for (const shard of this.shards) {
      const store = shard.account.store;
      const state = store.region(shard.region);
      const touched = state.takeTouched();
      // Creating the region above may have seeded it: that is a whole read too.
      const all = whole.has(store) || store.untracked;
      changed = this.refreshShard(shard, state, all, touched, change) || changed;
    }
    for (const a of this.o.accounts) a.store.untracked = false;
    return changed && !firstBuild ? change : undefined;
  }

  private refreshShard(
    shard: Shard,
    state: RegionState,
    whole: boolean,
    touched: ReturnType<RegionState['takeTouched']>,
    change: AccountChange,
  ): boolean {
    const recordsOf = <T>(name: string) => state.collection(name) as unknown as Map<string, T>;
    const instances = recordsOf<InstanceRecord>('instances');
    const images = recordsOf<ImageRecord>('images');
    const groups = recordsOf<SecurityGroupRecord>('securityGroups');
    const rules = recordsOf<SecurityGroupRuleRecord>('securityGroupRules');
    const addresses = recordsOf<AddressRecord>('addresses');
    // Reads below are the index's own: they must not count as changes.
    const dirty = (name: string, records: Map<string, unknown>, rows: Map<string, object>) => {
      if (whole || touched.all.has(name)) {
        const ids = new Set<string>(records.keys());
        for (const row of rows.values()) ids.add(idOf(row));
        return ids;
      }
      return new Set(touched.ids.get(name) ?? []);
    };
    const instanceIds = dirty('instances', instances, shard.rows.instances);
    const imageIds = dirty('images', images, shard.rows.images);
    const groupIds = dirty('securityGroups', groups, shard.rows.groups);
    const ruleIds = dirty('securityGroupRules', rules, shard.rows.rules);
    const addressIds = dirty('addresses', addresses, shard.rows.addresses);
    if (!instanceIds.size && !imageIds.size && !groupIds.size && !ruleIds.size && !addressIds.size)
      return false;

    let changed = false;
    const put = <K extends AccountKind>(kind: K, key: string, row: AccountView[K][number] | undefined) => {
      const rows = shard.rows[kind] as Map<string, AccountView[K][number]>;
      const before = shard.prints.get(`${kind}:${key}`);
      if (!row) {
        if (before === undefined) return;
        rows.delete(key);
        shard.prints.delete(`${kind}:${key}`);
        listIn(change.remove as Record<string, string[]>, kind).push(key);
        changed = true;
        return;
      }
      rows.set(key, row);
      const print = fingerprint(row);
      if (print === before) return;
      shard.prints.set(`${kind}:${key}`, print);
      listIn(change.upsert as Record<string, unknown[]>, kind).push(row);
      changed = true;
    };
    const keyOf = (id: string) => `${this.where(shard)}/${id}`;

    // Instances first: images count the instances that run them.
    for (const id of instanceIds) {
      const old = shard.rows.instances.get(keyOf(id));
      const record = instances.get(id);
      const row = record && this.instanceRow(shard, record);
      const usedBefore = old && old.state !== 'terminated' ? old.imageId : undefined;
      const usedNow = row && row.state !== 'terminated' ? row.imageId : undefined;
      if (usedBefore !== usedNow) {
        if (usedBefore) shard.usedBy.get(usedBefore)?.delete(id);
        if (usedNow) addTo(shard.usedBy, usedNow, id);
        for (const image of [usedBefore, usedNow]) if (image) imageIds.add(image);
      }
      put('instances', keyOf(id), row);
    }
    for (const id of imageIds) {
      const record = images.get(id);
      const own = record && ownedBy(record, ['self'], shard.account.store.accountId) ? record : undefined;
      put('images', `${keyOf(id)}/`, own && this.imageRow(shard, own));
    }
    if (instanceIds.size || imageIds.size) this.refreshAliases(shard, images, put);
    for (const id of groupIds) {
      const record = groups.get(id);
      put('groups', keyOf(id), record && this.groupRow(shard, record));
      for (const ruleId of shard.rulesOf.get(id) ?? []) ruleIds.add(ruleId);
    }
    for (const id of ruleIds) {
      const record = rules.get(id);
      const row = record && !record.isEgress ? this.ruleRow(shard, record, groups) : undefined;
      if (row) addTo(shard.rulesOf, row.groupId, id);
      put('rules', keyOf(id), row);
    }
    for (const id of addressIds) {
      const record = addresses.get(id);
      put('addresses', keyOf(id), record && this.addressRow(shard, record));
    }
    return changed;
  }

  private where(shard: Shard): string {
    return `${shard.account.label}/${shard.region}`;
  }

  private mark<T extends object>(shard: Shard, row: T): T & { account: string } {
    return { account: shard.account.label, ...row };
  }

  private instanceRow(shard: Shard, i: InstanceRecord): InstanceRow {
    const p = this.o.tagPrefix;
    const tags = tagsOf(i.tags);
    const expires = epoch(tags.get(`${p}expires-at`));
    return this.mark<InstanceRow>(shard, {
      region: shard.region,
      id: i.id,
      ...(tags.get('Name') ? { name: tags.get('Name') } : {}),
      state: i.state,
      type: i.instanceType,
      imageId: i.imageId,
      ...(tags.get(`${p}owner`) ? { owner: tags.get(`${p}owner`) } : {}),
      managed: tags.get(`${p}managed`) === 'true',
      bake: tags.get(`${p}bake`) === 'nightly',
      ...(expires === undefined ? {} : { expiresAt: iso(expires), timeLeftMs: expires - this.o.now() }),
      launchedAt: iso(i.launchTime),
      ...(i.publicIpAddress ? { publicIp: i.publicIpAddress } : {}),
    });
  }

  private usedByOf(shard: Shard, imageId: string) {
    return usage(shard.usedBy.get(imageId) ?? []);
  }

  private imageRow(shard: Shard, img: ImageRecord): ImageRow {
    const tags = tagsOf(img.tags);
    const p = this.o.tagPrefix;
    const sourceInstance = tags.get(`${p}source-instance`);
    return this.mark<ImageRow>(shard, {
      region: shard.region,
      id: img.id,
      name: img.name,
      state: img.state,
      source: sourceInstance ? 'baked' : 'registered',
      ...(sourceInstance ? { sourceInstance } : {}),
      approved: tags.get(`${p}approved`) === 'true',
      keep: tags.get(`${p}keep`) === 'true',
      ...this.usedByOf(shard, img.id),
      createdAt: iso(img.creationDate),
    });
  }

  /** The public images the launch aliases name now (the newest available match). */
  private refreshAliases(
    shard: Shard,
    images: Map<string, ImageRecord>,
    put: (kind: 'images', key: string, row: ImageRow | undefined) => void,
  ): void {
    const account = shard.account.store.accountId;
    const now = this.o.now();
    const keys = new Set<string>();
    for (const [alias, a] of Object.entries(this.o.aliases)) {
      let newest: ImageRecord | undefined;
      for (const img of images.values()) {
        if (!ownedBy(img, [a.owner], account) || isHiddenAsDeprecated(img, account, now)) continue;
        if (!(img.ownerId === account || img.isPublic)) continue;
        if (img.state !== 'available' || img.architecture !== a.architecture) continue;
        if (!matchesWildcard(img.name, a.name)) continue;
        if (!newest || img.creationDate > newest.creationDate) newest = img;
      }
      if (!newest) continue;
      const key = `${this.where(shard)}/${newest.id}/${alias}`;
      keys.add(key);
      put(
        'images',
        key,
        this.mark<ImageRow>(shard, {
          region: shard.region,
          id: newest.id,
          name: newest.name,
          state: newest.state,
          source: 'alias',
          alias,
          approved: true,
          keep: false,
          ...this.usedByOf(shard, newest.id),
          createdAt: iso(newest.creationDate),
        }),
      );
    }
    for (const key of shard.aliasKeys) if (!keys.has(key)) put('images', key, undefined);
    shard.aliasKeys = keys;
  }

  private groupRow(shard: Shard, g: SecurityGroupRecord): GroupRow {
    const { ids, tags: wanted } = this.o.accessGroups;
    const tags = tagsOf(g.tags);
    const byTags = Object.entries(wanted);
    const onRequest =
      ids.includes(g.id) || (byTags.length > 0 && byTags.every(([key, value]) => tags.get(key) === value));
    return this.mark<GroupRow>(shard, {
      region: shard.region,
      id: g.id,
      name: g.groupName,
      description: g.description,
      onRequest,
    });
  }

  private ruleRow(
    shard: Shard,
    r: SecurityGroupRuleRecord,
    groups: Map<string, SecurityGroupRecord>,
  ): RuleRow {
    const p = this.o.tagPrefix;
    const tags = tagsOf(r.tags);
    const expires = epoch(tags.get(`${p}expires-at`));
    const group = groups.get(r.groupId);
    return this.mark<RuleRow>(shard, {
      region: shard.region,
      groupId: r.groupId,
      groupName: group?.groupName ?? r.groupId,
      ruleId: r.id,
      protocol: r.ipProtocol === '-1' ? 'all' : r.ipProtocol,
      ports: ports(r.fromPort, r.toPort),
      source: r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedGroupId ?? r.prefixListId ?? '',
      ...(r.description ? { description: r.description } : {}),
      temporary: expires !== undefined,
      ...(tags.get(`${p}owner`) ? { owner: tags.get(`${p}owner`) } : {}),
      ...(expires === undefined ? {} : { expiresAt: iso(expires), timeLeftMs: expires - this.o.now() }),
    });
  }

  private addressRow(shard: Shard, a: AddressRecord): AddressRow {
    const now = this.o.now();
    const tags = tagsOf(a.tags);
    const idleSince = a.associationId ? undefined : epoch(tags.get(`${this.o.tagPrefix}idle-since`));
    const idleMs = idleSince === undefined ? undefined : Math.max(0, now - idleSince);
    return this.mark<AddressRow>(shard, {
      region: shard.region,
      allocationId: a.id,
      publicIp: a.publicIp,
      ...(a.instanceId ? { instanceId: a.instanceId } : {}),
      ...(a.associationId ? { associationId: a.associationId } : {}),
      keep: tags.get(`${this.o.tagPrefix}keep`) === 'true',
      ...(idleSince === undefined ? {} : { idleSince: iso(idleSince) }),
      ...(idleMs === undefined
        ? {}
        : { idleMs, idleCostUsd: (idleMs / 3_600_000) * this.o.ipv4PricePerHour }),
    });
  }
}

function listIn<T>(lists: Record<string, T[]>, key: string): T[] {
  lists[key] ??= [];
  return lists[key];
}

/** A row's record id (the last part of its key). */
function idOf(row: object): string {
  const r = row as Record<string, unknown>;
  return String(r['ruleId'] ?? r['allocationId'] ?? r['id']);
}

/** Aliases first, then baked images by source instance, newest first (as the page lists them). */
export function sortImages(images: ImageRow[]): ImageRow[] {
  return images.sort(
    (a, b) =>
      Number(b.source === 'alias') - Number(a.source === 'alias') ||
      (a.sourceInstance ?? '').localeCompare(b.sourceInstance ?? '') ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
}
