import { Clock } from './clock';
import type { IdKind } from './ids';

/**
 * The emulator's state: one `RegionState` per region, each holding named collections of plain
 * JSON records (times as epoch milliseconds), so the whole store persists as JSON.
 *
 * Collections are declared where they are used, with `defineCollection`, not in a central
 * union: an action area adds `const addresses = defineCollection<AddressRecord>('addresses',
 * ID_KINDS.allocation)` in its own file and reads `addresses.in(state)`.
 */
export interface Tag {
  key: string;
  value: string;
}

export interface BaseRecord {
  id: string;
  /** Present on taggable records; CreateTags/DescribeTags work on any collection declared with a kind. */
  tags?: Tag[];
}

export class Collection<T extends BaseRecord> {
  constructor(
    readonly name: string,
    /** The id kind, when records of this collection can be looked up (and tagged) by id. */
    readonly kind: IdKind | undefined,
  ) {}

  in(state: RegionState): Map<string, T> {
    return state.collection(this.name) as Map<string, T>;
  }
}

const collections = new Map<string, Collection<BaseRecord>>();

export function defineCollection<T extends BaseRecord>(name: string, kind?: IdKind): Collection<T> {
  const existing = collections.get(name);
  if (existing) return existing as unknown as Collection<T>;
  const created = new Collection<T>(name, kind);
  collections.set(name, created as unknown as Collection<BaseRecord>);
  return created;
}

export function allCollections(): Collection<BaseRecord>[] {
  return [...collections.values()];
}

/** Adds things a new account has in every region (default VPC, public images, …). */
export type Seeder = (state: RegionState, store: Ec2Store) => void;
const seeders: { order: number; seed: Seeder }[] = [];

export function registerSeeder(seed: Seeder, order = 100): void {
  seeders.push({ order, seed });
  seeders.sort((a, b) => a.order - b.order);
}

/**
 * Moves time-driven state along (pending → running, …). Returns the next instant it needs to
 * run again, or undefined when nothing is due. Tickers run lazily, before each request.
 */
export type Ticker = (state: RegionState, now: number, store: Ec2Store) => number | undefined;
const tickers: Ticker[] = [];

export function registerTicker(ticker: Ticker): void {
  tickers.push(ticker);
}

/** How long simulated transitions take, in milliseconds of emulator time. */
export interface Delays {
  instancePending: number;
  instanceStopping: number;
  instanceShuttingDown: number;
  /** How long a terminated instance stays visible to Describe calls. */
  terminatedRetention: number;
  imagePending: number;
  snapshotPending: number;
  volumeCreating: number;
}

export const DEFAULT_DELAYS: Delays = {
  instancePending: 3_000,
  instanceStopping: 3_000,
  instanceShuttingDown: 3_000,
  terminatedRetention: 60 * 60_000,
  imagePending: 5_000,
  snapshotPending: 4_000,
  volumeCreating: 1_000,
};

/**
 * A collection's records, noting which ones a change touches while the region tracks changes:
 * a record looked up, written or deleted by id, or the whole collection when a change walks it
 * (handlers mutate records in place, so a look-up during a change counts as a touch).
 */
class TrackedCollection extends Map<string, BaseRecord> {
  constructor(
    private readonly state: RegionState,
    private readonly name: string,
  ) {
    super();
  }
  override get(id: string): BaseRecord | undefined {
    const record = super.get(id);
    if (record && this.state.tracking) this.state.touch(this.name, id);
    return record;
  }
  override set(id: string, record: BaseRecord): this {
    if (this.state.tracking) this.state.touch(this.name, id);
    return super.set(id, record);
  }
  override delete(id: string): boolean {
    if (this.state.tracking) this.state.touch(this.name, id);
    return super.delete(id);
  }
  override values(): MapIterator<BaseRecord> {
    if (this.state.tracking) this.state.touch(this.name);
    return super.values();
  }
  override entries(): MapIterator<[string, BaseRecord]> {
    if (this.state.tracking) this.state.touch(this.name);
    return super.entries();
  }
  override forEach(fn: (value: BaseRecord, key: string, map: Map<string, BaseRecord>) => void): void {
    if (this.state.tracking) this.state.touch(this.name);
    super.forEach(fn);
  }
  override [Symbol.iterator](): MapIterator<[string, BaseRecord]> {
    return this.entries();
  }
}

/** What changes touched since the last `takeTouched()`: ids per collection, or whole collections. */
export interface Touched {
  ids: Map<string, Set<string>>;
  all: Set<string>;
}

export class RegionState {
  private readonly data = new Map<string, Map<string, BaseRecord>>();
  /** True while a change runs in a store that tracks changes (see Ec2Store.trackChanges). */
  tracking = false;
  private touched: Touched = { ids: new Map(), all: new Set() };
  /** Small per-region values that are not records (counters, idempotency tokens). */
  extra: Record<string, unknown> = {};
  private nextDueAt = 0;

  constructor(readonly region: string) {}

  collection(name: string): Map<string, BaseRecord> {
    let map = this.data.get(name);
    if (!map) {
      map = new TrackedCollection(this, name);
      this.data.set(name, map);
    }
    return map;
  }

  touch(collection: string, id?: string): void {
    if (id === undefined) {
      this.touched.all.add(collection);
      return;
    }
    let ids = this.touched.ids.get(collection);
    if (!ids) {
      ids = new Set();
      this.touched.ids.set(collection, ids);
    }
    ids.add(id);
  }

  /** What changes touched since the last call (one reader: the sandbox console's account index). */
  takeTouched(): Touched {
    const touched = this.touched;
    this.touched = { ids: new Map(), all: new Set() };
    return touched;
  }

  collectionNames(): string[] {
    return [...this.data.keys()];
  }

  /** Asks for the tickers to run no later than `at` (call when starting a transition). */
  wake(at: number): void {
    if (at < this.nextDueAt || this.nextDueAt === 0) this.nextDueAt = at;
  }

  /** Runs the tickers if something is due; returns whether any ran. */
  tick(now: number, store: Ec2Store): boolean {
    if (this.nextDueAt === 0 || now < this.nextDueAt) return false;
    let next = Number.POSITIVE_INFINITY;
    for (const ticker of tickers) {
      const due = ticker(this, now, store);
      if (due !== undefined && due < next) next = due;
    }
    this.nextDueAt = Number.isFinite(next) ? next : 0;
    return true;
  }

  /** Finds a record by id in any collection declared with a kind (for tags and look-ups). */
  findById(id: string): { collection: Collection<BaseRecord>; record: BaseRecord } | undefined {
    for (const collection of collections.values()) {
      if (!collection.kind || !id.startsWith(`${collection.kind.prefix}-`)) continue;
      const record = this.data.get(collection.name)?.get(id);
      if (record) return { collection, record };
    }
    return undefined;
  }

  toJSON(): unknown {
    const out: Record<string, BaseRecord[]> = {};
    for (const [name, map] of this.data) out[name] = [...map.values()];
    return { collections: out, extra: this.extra };
  }

  static fromJSON(region: string, json: unknown): RegionState {
    const state = new RegionState(region);
    const value = json as { collections?: Record<string, BaseRecord[]>; extra?: Record<string, unknown> };
    for (const [name, records] of Object.entries(value.collections ?? {})) {
      if (!Array.isArray(records)) continue;
      const map = state.collection(name);
      for (const record of records) if (record && typeof record.id === 'string') map.set(record.id, record);
    }
    state.extra = value.extra && typeof value.extra === 'object' ? value.extra : {};
    state.nextDueAt = 1; // let the tickers look at restored state on the first request
    return state;
  }
}

export interface StoreOptions {
  accountId?: string;
  clock?: Clock;
  delays?: Partial<Delays>;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';

export class Ec2Store {
  readonly accountId: string;
  readonly clock: Clock;
  delays: Delays;
  /** Increments on every change; persistence and the sandbox watch it. */
  changes = 0;
  /**
   * When set, changes note the records they touch (RegionState.takeTouched), so a reader can
   * follow a large account without reading it again; a change that cannot say what it touched
   * (control endpoints, a load, a reset) sets `untracked` instead.
   */
  trackChanges = false;
  untracked = false;
  private tracked = 0;
  /** Actions answered with UnauthorizedOperation (set through `/_emulator/authorization`). */
  readonly deniedActions = new Set<string>();
  private readonly regionStates = new Map<string, RegionState>();
  private readonly listeners = new Set<() => void>();

  constructor(options: StoreOptions = {}) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.clock = options.clock ?? new Clock();
    this.delays = { ...DEFAULT_DELAYS, ...options.delays };
  }

  /** The state of a region, created and seeded like a new account on first use. */
  region(name: string): RegionState {
    let state = this.regionStates.get(name);
    if (!state) {
      state = new RegionState(name);
      this.regionStates.set(name, state);
      for (const { seed } of seeders) seed(state, this);
      // A new region's seed is not noted record by record: readers read the region whole.
      if (this.trackChanges) this.untracked = true;
      this.markChanged();
    }
    return state;
  }

  regions(): RegionState[] {
    return [...this.regionStates.values()];
  }

  /** Runs due transitions for a region before a request reads it. */
  advance(state: RegionState): void {
    if (this.track(state, () => state.tick(this.clock.now(), this))) this.markChanged(true);
  }

  /** Runs a change in `state`, noting what it touches when the store tracks changes. */
  track<T>(state: RegionState, change: () => T): T {
    if (!this.trackChanges) return change();
    // Every region, not only the request's: a change may reach another (CopyImage).
    const regions = [state, ...this.regionStates.values()];
    const was = regions.map((r) => r.tracking);
    for (const r of regions) r.tracking = true;
    this.tracked += 1;
    try {
      return change();
    } finally {
      regions.forEach((r, i) => {
        r.tracking = was[i]!;
      });
      this.tracked -= 1;
    }
  }

  /** `tracked`: the change ran inside `track()`, so its records were noted. */
  markChanged(tracked = false): void {
    if (this.trackChanges && !tracked && this.tracked === 0) this.untracked = true;
    this.changes += 1;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reset(): void {
    this.regionStates.clear();
    this.markChanged();
  }

  toJSON(): unknown {
    const regions: Record<string, unknown> = {};
    for (const [name, state] of this.regionStates) regions[name] = state.toJSON();
    return { version: 1, accountId: this.accountId, clockOffsetMs: this.clock.offset, regions };
  }

  /** Replaces the state with a persisted one (see ./persistence). */
  load(json: unknown): void {
    const value = json as { version?: number; clockOffsetMs?: number; regions?: Record<string, unknown> };
    if (!value || typeof value !== 'object' || value.version !== 1) {
      throw new Error('unsupported emulator state file (expected version 1)');
    }
    this.regionStates.clear();
    for (const [name, region] of Object.entries(value.regions ?? {})) {
      this.regionStates.set(name, RegionState.fromJSON(name, region));
    }
    if (typeof value.clockOffsetMs === 'number') this.clock.setOffset(value.clockOffsetMs);
  }
}
