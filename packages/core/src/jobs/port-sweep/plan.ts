import { type AccessRule, type AccessTagKeys, accessTagKeys, isManaged, ruleLabel } from '../../access/rules';
import { SLACK_USER_ID } from '../../slack/ids';
import { formatDuration } from '../../time/durations';
import { parseInstant, toInstant } from '../../time/instant';
import type { PlanItem, PlanSkip, RegionPlan } from '../types';

/**
 * The port sweep's pure decision: which temporary rules to close now, which owners to warn,
 * and what to leave alone. Only rules tagged managed=true with a readable expires-at in the past
 * are ever closed; anything else is skipped with a reason.
 */
export interface SweepPolicy {
  tagPrefix: string;
  /** Warn the owner this long before expiry; undefined: no warnings. */
  warnBeforeMs?: number | undefined;
  /** A rule that failed to close more than this many times is reported as stuck. */
  maxCloseFailures: number;
  /**
   * A rule found expired longer ago than this was not closed by its expiry schedule (or the sweep
   * itself was not running): reported as closed late, so the backstop says when it was needed.
   */
  lateAfterMs?: number | undefined;
}

export type SweepItemData =
  | {
      action: 'revoke';
      groupId: string;
      label: string;
      owner: string | undefined;
      expiresAt: string;
      /** Earlier failed attempts, from the close-failures tag. */
      failures: number;
    }
  | { action: 'warn'; groupId: string; label: string; owner: string; expiresAt: string };

export type SweepItem = PlanItem<SweepItemData>;
export type SweepRegionPlan = RegionPlan<SweepItemData>;

export type SweepDecision =
  | { kind: 'skip'; reason: string }
  | { kind: 'revoke'; reason: string; failures: number }
  | { kind: 'warn'; reason: string }
  | { kind: 'open'; reason: string };

export function decideRule(
  rule: AccessRule,
  policy: SweepPolicy,
  nowMs: number,
  keys?: AccessTagKeys,
): SweepDecision {
  const k = keys ?? accessTagKeys(policy.tagPrefix);
  if (!isManaged(rule, k)) return { kind: 'skip', reason: `not tagged ${k.managed}=true` };
  if (rule.isEgress) return { kind: 'skip', reason: 'egress rule (ec2ops only opens ingress)' };
  const expiresAt = parseInstant(rule.tags[k.expiresAt]);
  if (expiresAt === undefined) return { kind: 'skip', reason: `no readable ${k.expiresAt}` };
  const left = expiresAt - nowMs;
  if (left <= 0) {
    const failures = Number.parseInt(rule.tags[k.closeFailures] ?? '0', 10);
    return {
      kind: 'revoke',
      reason: `expired ${formatDuration(-left)} ago (${toInstant(expiresAt)})`,
      failures: Number.isFinite(failures) && failures > 0 ? failures : 0,
    };
  }
  const owner = rule.tags[k.owner];
  if (
    policy.warnBeforeMs !== undefined &&
    left <= policy.warnBeforeMs &&
    owner !== undefined &&
    SLACK_USER_ID.test(owner) &&
    rule.tags[k.warnedFor] !== rule.tags[k.expiresAt]
  ) {
    return { kind: 'warn', reason: `closes in ${formatDuration(left)}` };
  }
  return { kind: 'open', reason: 'not expired yet' };
}

export function planPortSweep(
  region: string,
  rules: readonly AccessRule[],
  policy: SweepPolicy,
  now: Date,
): SweepRegionPlan {
  const keys = accessTagKeys(policy.tagPrefix);
  const nowMs = now.getTime();
  const items: SweepItem[] = [];
  const skipped: PlanSkip[] = [];
  const stuck: string[] = [];
  const late: string[] = [];
  for (const rule of rules) {
    const label = `${ruleLabel(rule)} on ${rule.groupId}`;
    const decision = decideRule(rule, policy, nowMs, keys);
    const base = { id: rule.ruleId, region, resource: `${rule.ruleId} (${label})`, reason: decision.reason };
    const owner = rule.tags[keys.owner];
    const expiresAt = rule.tags[keys.expiresAt] ?? '';
    if (decision.kind === 'revoke') {
      items.push({
        ...base,
        action: 'revoke',
        data: {
          action: 'revoke',
          groupId: rule.groupId,
          label,
          owner,
          expiresAt,
          failures: decision.failures,
        },
      });
      const overdueMs = nowMs - (parseInstant(expiresAt) ?? nowMs);
      if (policy.lateAfterMs !== undefined && overdueMs > policy.lateAfterMs) {
        late.push(`${rule.ruleId} (${label}): expired ${formatDuration(overdueMs)} ago`);
      }
      if (decision.failures > policy.maxCloseFailures) {
        stuck.push(`${rule.ruleId} (${label}): failed to close ${decision.failures} times`);
      }
    } else if (decision.kind === 'warn' && owner) {
      items.push({
        ...base,
        action: 'warn',
        data: { action: 'warn', groupId: rule.groupId, label, owner, expiresAt },
      });
    } else {
      skipped.push({
        id: rule.ruleId,
        region,
        resource: base.resource,
        reason: decision.kind === 'open' ? 'not expired yet' : decision.reason,
      });
    }
  }
  const plan: SweepRegionPlan = { region, items, skipped };
  const sections = [
    ...(stuck.length ? [{ title: `Rules that keep failing to close (${region})`, lines: stuck }] : []),
    ...(late.length
      ? [{ title: `Closed late by the sweep, not at expiry by their schedule (${region})`, lines: late }]
      : []),
  ];
  if (sections.length) plan.sections = sections;
  return plan;
}
