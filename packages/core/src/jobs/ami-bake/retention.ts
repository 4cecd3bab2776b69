import { formatDuration } from '../../time/durations';
import type { ObservedImage } from './observation';
import type { BakeTagKeys } from './tags';

/**
 * Retention for the images of one source instance. An image is removed only when no rule
 * protects it; the protections are checked in this order and the first one is the reason
 * reported:
 *   keep=true · in use (instance not terminated, or any launch-template version) ·
 *   deregistration protected (EC2 would refuse; `/ec2 ami revoke` lifts it) · pending ·
 *   not managed · newest available · within the newest N · younger than the age.
 * Failed images are never counted as good: they take no place in the newest N, are never the
 * newest available, and are removed unless kept or in use.
 */
export interface RetentionRule {
  /** Newest N available images kept. */
  count?: number | undefined;
  /** Images younger than this (ms) kept. */
  ageMs?: number | undefined;
}

export type KeepReason =
  | 'keep=true'
  | 'in use'
  | 'deregistration protected'
  /** A copy of it is still pending in a DR region (plan.ts holds it; see copies.ts). */
  | 'copy pending'
  | 'pending'
  | 'not managed'
  | 'newest available'
  | 'within newest N'
  | 'younger than retention age'
  | 'state not handled'
  /** The region has a launch template whose image could not be resolved (see plan.ts). */
  | 'retention held';

export interface Kept {
  image: ObservedImage;
  reason: KeepReason;
  detail: string;
}

export interface Removed {
  image: ObservedImage;
  /** `retention` for an old available image, `failed` for one that failed to bake. */
  why: 'retention' | 'failed';
  detail: string;
}

export interface RetentionResult {
  kept: Kept[];
  removed: Removed[];
}

const FAILED_STATES = new Set(['failed', 'error', 'invalid']);

export function isFailedState(state: string): boolean {
  return FAILED_STATES.has(state);
}

/**
 * EC2 refuses to deregister a protected image, and during the cooldown after protection is
 * disabled (`disabled-until …`), so retention leaves both alone and says so.
 */
export function isDeregistrationProtected(image: ObservedImage): boolean {
  const state = image.deregistrationProtection;
  return state !== undefined && state !== 'disabled';
}

/** The instant an image was baked: its baked-at tag, else its creation date, else 0. */
export function bakedAtMs(image: ObservedImage, keys: BakeTagKeys): number {
  for (const text of [image.tags[keys.bakedAt], image.creationDate]) {
    if (!text) continue;
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  return 0;
}

/** Newest first; ties by id so the order (and so the plan) is deterministic. */
export function newestFirst(images: ObservedImage[], keys: BakeTagKeys): ObservedImage[] {
  return [...images].sort((a, b) => bakedAtMs(b, keys) - bakedAtMs(a, keys) || (a.id < b.id ? 1 : -1));
}

export function planRetention(input: {
  images: ObservedImage[];
  rule: RetentionRule;
  now: number;
  keys: BakeTagKeys;
  /** Image id → who uses it, e.g. `instance i-0abc (stopped)`. */
  usedBy: Map<string, string[]>;
}): RetentionResult {
  const { rule, now, keys, usedBy } = input;
  const ordered = newestFirst(input.images, keys);
  const available = ordered.filter((i) => i.state === 'available');
  const newestAvailable = available[0]?.id;
  const withinCount = new Set(available.slice(0, Math.max(0, rule.count ?? 0)).map((i) => i.id));

  const kept: Kept[] = [];
  const removed: Removed[] = [];
  for (const image of ordered) {
    const keep = (reason: KeepReason, detail: string) => kept.push({ image, reason, detail });
    const users = usedBy.get(image.id);
    const age = now - bakedAtMs(image, keys);
    if (image.tags[keys.keep] === 'true') keep('keep=true', `tagged ${keys.keep}=true`);
    else if (users && users.length > 0) keep('in use', `used by ${users.join(', ')}`);
    else if (isDeregistrationProtected(image)) {
      keep('deregistration protected', `deregistration protection ${image.deregistrationProtection}`);
    } else if (image.state === 'pending') keep('pending', 'still being created');
    else if (image.tags[keys.managed] !== 'true') keep('not managed', `not tagged ${keys.managed}=true`);
    else if (isFailedState(image.state)) {
      removed.push({
        image,
        why: 'failed',
        detail: `${image.state}${image.stateReason ? `: ${image.stateReason}` : ''}`,
      });
    } else if (image.state !== 'available') keep('state not handled', `state ${image.state}`);
    else if (image.id === newestAvailable)
      keep('newest available', 'the newest available image of its source');
    else if (withinCount.has(image.id)) keep('within newest N', `one of the newest ${rule.count} available`);
    else if (rule.ageMs !== undefined && age < rule.ageMs) {
      keep('younger than retention age', `younger than ${formatDuration(rule.ageMs)}`);
    } else {
      const limits = [
        rule.count !== undefined ? `not among the newest ${rule.count}` : undefined,
        rule.ageMs !== undefined ? `older than ${formatDuration(rule.ageMs)}` : undefined,
      ].filter(Boolean);
      removed.push({ image, why: 'retention', detail: limits.join(' and ') || 'past retention' });
    }
  }
  return { kept, removed };
}
