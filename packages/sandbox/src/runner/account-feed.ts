import { type AccountDelta, diffAccount } from '../console/account-delta';
import type { AccountView } from '../console/types';

/**
 * The account as the console last read it, with a version that moves on each change. Reads are
 * one at a time, and any number of change notices arriving during a read cost one more read.
 */
export class AccountFeed {
  private version = 0;
  private view: AccountView | undefined;
  private running: Promise<AccountDelta | undefined> | undefined;
  private queued: Promise<AccountDelta | undefined> | undefined;

  constructor(private readonly read: () => Promise<AccountView>) {}

  /** The latest reading and its version (reads once if nothing was read yet). */
  async current(): Promise<{ version: number; view: AccountView }> {
    if (!this.view) await this.refresh();
    return { version: this.version, view: this.view! };
  }

  /** Reads the account again; resolves to what changed, or undefined when nothing did. */
  refresh(): Promise<AccountDelta | undefined> {
    if (this.queued) return this.queued;
    const before = this.running ?? Promise.resolve(undefined);
    const next: Promise<AccountDelta | undefined> = before
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.running = next;
        return this.step();
      })
      .finally(() => {
        if (this.running === next) this.running = undefined;
      });
    this.queued = next;
    return next;
  }

  private async step(): Promise<AccountDelta | undefined> {
    const view = await this.read();
    const prev = this.view;
    this.view = view;
    if (!prev) {
      this.version += 1;
      return undefined;
    }
    const delta = diffAccount(prev, view, this.version);
    if (!delta) return undefined;
    this.version += 1;
    return { ...delta, version: this.version };
  }
}
