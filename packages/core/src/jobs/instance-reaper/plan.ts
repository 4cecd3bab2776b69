import {
  type InstanceTagKeys,
  type InstanceView,
  instanceLabel,
  isKept,
  isManaged,
  LIVE_STATES,
} from '../../instances/tags';
import { SLACK_USER_ID } from '../../slack/ids';
import { formatDuration } from '../../time/durations';
import { parseInstant } from '../../time/instant';
import type { PlanItem, PlanSkip, RegionPlan } from '../types';

/**
 * The instance-reaper's rule for one instance, used at plan time and again on the re-read right
 * before stopping or terminating: managed, not kept, past `expires-at` → act; within
 * `warnBefore` of it and not yet warned about this expiry → warn the owner once.
 */
export interface ReaperPolicy {
  keys: InstanceTagKeys;
  action: 'stop' | 'terminate';
  warnBeforeMs: number;
  /**
   * An instance found past its TTL by longer than this was not acted on by its expiry schedule
   * (or it had none): reported as late, so the backstop says when it was needed.
   */
  lateAfterMs?: number | undefined;
}

export type ReaperItemData =
  | { action: 'warn'; owner: string; expiresAt: string; name?: string | undefined }
  | {
      action: 'stop' | 'terminate';
      owner?: string | undefined;
      expiresAt: string;
      name?: string | undefined;
    };

export type ReaperDecision =
  | { kind: 'skip'; reason: string }
  | { kind: 'act'; action: 'stop' | 'terminate'; expiresAt: string; overdueMs: number }
  | { kind: 'warn'; owner: string; expiresAt: string; leftMs: number };

const STOPPABLE = new Set(['pending', 'running']);
const TERMINABLE = new Set(LIVE_STATES);

export function decideInstance(instance: InstanceView, policy: ReaperPolicy, nowMs: number): ReaperDecision {
  const { keys } = policy;
  const tags = instance.tags;
  if (!isManaged(tags, keys)) return { kind: 'skip', reason: `not managed (no ${keys.managed}=true)` };
  if (isKept(tags, keys)) return { kind: 'skip', reason: `tagged ${keys.keep}=true` };
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    return { kind: 'skip', reason: 'already terminated' };
  }
  const raw = tags[keys.expiresAt];
  if (raw === undefined) return { kind: 'skip', reason: `no ${keys.expiresAt}` };
  const at = parseInstant(raw);
  if (at === undefined) return { kind: 'skip', reason: `${keys.expiresAt} is not an ISO-8601 instant` };
  if (at <= nowMs) {
    const allowed = policy.action === 'stop' ? STOPPABLE : TERMINABLE;
    if (!allowed.has(instance.state)) return { kind: 'skip', reason: `expired, already ${instance.state}` };
    return { kind: 'act', action: policy.action, expiresAt: raw, overdueMs: nowMs - at };
  }
  const leftMs = at - nowMs;
  if (leftMs > policy.warnBeforeMs) return { kind: 'skip', reason: 'not yet expiring' };
  if (policy.action === 'stop' && !STOPPABLE.has(instance.state)) {
    return { kind: 'skip', reason: `expiring, already ${instance.state}` };
  }
  if (tags[keys.warnedFor] === raw) return { kind: 'skip', reason: 'expiring, owner already warned' };
  const owner = tags[keys.owner];
  if (!owner || !SLACK_USER_ID.test(owner))
    return { kind: 'skip', reason: 'expiring, no Slack owner to warn' };
  return { kind: 'warn', owner, expiresAt: raw, leftMs };
}

export function planInstanceReaper(
  region: string,
  instances: readonly InstanceView[],
  policy: ReaperPolicy,
  now: Date,
): RegionPlan<ReaperItemData> {
  const nowMs = now.getTime();
  const items: PlanItem<ReaperItemData>[] = [];
  const skipped: PlanSkip[] = [];
  const expiring: string[] = [];
  const late: string[] = [];
  for (const instance of instances) {
    const base = { id: instance.id, region, resource: instanceLabel(instance) };
    const name = instance.tags['Name'];
    const owner = instance.tags[policy.keys.owner];
    const decision = decideInstance(instance, policy, nowMs);
    switch (decision.kind) {
      case 'skip':
        skipped.push({ ...base, reason: decision.reason });
        break;
      case 'act':
        items.push({
          ...base,
          action: decision.action,
          reason: `expired ${formatDuration(decision.overdueMs)} ago (${decision.expiresAt})`,
          data: { action: decision.action, owner, expiresAt: decision.expiresAt, name },
        });
        if (policy.lateAfterMs !== undefined && decision.overdueMs > policy.lateAfterMs) {
          late.push(`${instanceLabel(instance)}: expired ${formatDuration(decision.overdueMs)} ago`);
        }
        break;
      case 'warn':
        items.push({
          ...base,
          action: 'warn',
          reason: `${policy.action === 'stop' ? 'stopped' : 'terminated'} in ${formatDuration(decision.leftMs)}: owner ${decision.owner} is told`,
          data: { action: 'warn', owner: decision.owner, expiresAt: decision.expiresAt, name },
        });
        expiring.push(
          `${region} ${instanceLabel(instance)} expires ${decision.expiresAt} (in ${formatDuration(decision.leftMs)}, owner ${decision.owner})`,
        );
        break;
    }
  }
  const sections = [
    ...(expiring.length ? [{ title: 'Expiring soon', lines: expiring }] : []),
    ...(late.length
      ? [{ title: `Acted on late by the reaper, not at expiry by their schedule (${region})`, lines: late }]
      : []),
  ];
  return { region, items, skipped, ...(sections.length ? { sections } : {}) };
}
