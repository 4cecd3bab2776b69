import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/** Slack lets an app open a modal with a trigger_id for 3 seconds, once. */
export const TRIGGER_LIFETIME_MS = 3_000;

interface Trigger {
  user: string;
  mintedAt: number;
  used: boolean;
}

/**
 * trigger_ids minted by whoever plays Slack (the signed client, the web console) and checked by
 * views.open. Unknown and expired ids are both `expired_trigger_id`; a second use is
 * `exchanged_trigger_id`, as Slack answers.
 */
export class TriggerRegistry {
  private readonly triggers = new Map<string, Trigger>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  mint(user: string): string {
    this.seq += 1;
    const id = `${this.seq}.${Math.floor(this.clock.now() / 1000)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { user, mintedAt: this.clock.now(), used: false });
    this.prune();
    return id;
  }

  /** The user the trigger belongs to, or the Slack error code that views.open answers. */
  use(id: string): { user: string } | { error: 'expired_trigger_id' | 'exchanged_trigger_id' } {
    const trigger = this.triggers.get(id);
    if (!trigger || this.clock.now() - trigger.mintedAt > TRIGGER_LIFETIME_MS) {
      return { error: 'expired_trigger_id' };
    }
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    trigger.used = true;
    return { user: trigger.user };
  }

  /** Old triggers can never be used again; keep the map from growing in a long sandbox run. */
  private prune(): void {
    if (this.triggers.size < 1000) return;
    const cutoff = this.clock.now() - 60_000;
    for (const [id, t] of this.triggers) if (t.mintedAt < cutoff) this.triggers.delete(id);
  }
}
