import type { AccountDelta } from '../console/account-delta';
import type { AccountView } from '../console/types';
import type { AccountChange } from './account-index';

/** Where the feed's rows come from: the whole view, and what changed since the last update. */
export interface AccountRows {
  view(): AccountView;
  update(): AccountChange | undefined;
}

/**
 * The account as the console shows it, with a version that moves by one on each change. The
 * rows live in an in-memory index that the emulator's changes update, so a change costs its own
 * rows; any number of change notices between two refreshes make one delta, or none. Every delta
 * goes to every listener, whoever caused the refresh, so no page can miss one it could apply.
 */
export class AccountFeed {
  private version = 0;
  private readonly listeners = new Set<(delta: AccountDelta) => void>();

  constructor(private readonly rows: AccountRows) {}

  onDelta(listener: (delta: AccountDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private cached: { version: number; view: AccountView } | undefined;

  /** The whole view and its version, with every change so far taken in. */
  current(): { version: number; view: AccountView } {
    this.refresh();
    // Pages of one version (several tabs, several filters) share one assembled view.
    if (this.cached?.version !== this.version)
      this.cached = { version: this.version, view: this.rows.view() };
    return this.cached;
  }

  /** Takes in what changed and tells the listeners, as one delta from the version held. */
  refresh(): void {
    const change = this.rows.update();
    if (this.version === 0) {
      this.version = 1;
      return;
    }
    if (!change) return;
    const delta: AccountDelta = { ...change, from: this.version, version: this.version + 1 };
    this.version = delta.version;
    for (const listener of this.listeners) listener(delta);
  }
}
