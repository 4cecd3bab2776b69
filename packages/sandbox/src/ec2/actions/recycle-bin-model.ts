import type { ImageRecord, SnapshotRecord } from '../model';
import { type BaseRecord, defineCollection, type RegionState, type Tag } from '../store';

/**
 * Recycle Bin state of a region: the retention rules (rbin API) and what deregistration and
 * snapshot deletion put in the bin instead of destroying it.
 */
export type RecycleResourceType = 'EC2_IMAGE' | 'EBS_SNAPSHOT';

export interface RecycleRuleRecord extends BaseRecord {
  resourceType: RecycleResourceType;
  retentionDays: number;
  description?: string;
  /** Tag-level rule when non-empty (a resource with any of these tags); region-level rule when empty. */
  resourceTags: { key: string; value?: string }[];
  tags: Tag[];
}

export interface BinnedImage extends BaseRecord {
  image: ImageRecord;
  enteredAt: number;
  exitsAt: number;
}

export interface BinnedSnapshot extends BaseRecord {
  snapshot: SnapshotRecord;
  enteredAt: number;
  exitsAt: number;
}

export const recycleRules = defineCollection<RecycleRuleRecord>('recycleBinRules');
export const binnedImages = defineCollection<BinnedImage>('recycleBinImages');
export const binnedSnapshots = defineCollection<BinnedSnapshot>('recycleBinSnapshots');

export function ruleMatches(rule: RecycleRuleRecord, tags: Tag[]): boolean {
  if (rule.resourceTags.length === 0) return true;
  return rule.resourceTags.some((wanted) =>
    tags.some((t) => t.key === wanted.key && (wanted.value === undefined || wanted.value === t.value)),
  );
}

/** The longest retention of the rules that match, in days (AWS keeps a resource for the longest). */
export function retentionFor(state: RegionState, type: RecycleResourceType, tags: Tag[]): number | undefined {
  let days: number | undefined;
  for (const rule of recycleRules.in(state).values()) {
    if (rule.resourceType !== type || !ruleMatches(rule, tags)) continue;
    if (days === undefined || rule.retentionDays > days) days = rule.retentionDays;
  }
  return days;
}

const DAY_MS = 86_400_000;

/** Moves an image into the bin when a rule keeps it; returns whether it did. */
export function binImage(state: RegionState, image: ImageRecord, now: number): boolean {
  const days = retentionFor(state, 'EC2_IMAGE', image.tags);
  if (days === undefined) return false;
  binnedImages.in(state).set(image.id, { id: image.id, image, enteredAt: now, exitsAt: now + days * DAY_MS });
  state.wake(now + days * DAY_MS);
  return true;
}

export function binSnapshot(state: RegionState, snapshot: SnapshotRecord, now: number): boolean {
  const days = retentionFor(state, 'EBS_SNAPSHOT', snapshot.tags);
  if (days === undefined) return false;
  binnedSnapshots
    .in(state)
    .set(snapshot.id, { id: snapshot.id, snapshot, enteredAt: now, exitsAt: now + days * DAY_MS });
  state.wake(now + days * DAY_MS);
  return true;
}
