import type { StageConfig } from '@ec2ops/core';
import { parseDuration } from '@ec2ops/core';
import {
  type AccessRule,
  accessTagKeys,
  ruleButtons,
  ruleClosedNotice,
  shortInstant,
} from '@ec2ops/core/access';
import type { ItemResult, PlanItemFor } from '@ec2ops/core/jobs';
import {
  decideRule,
  itemsWithAction,
  planPortSweep,
  type SweepItem,
  type SweepItemData,
  type SweepPolicy,
  type SweepRegionPlan,
} from '@ec2ops/core/jobs';
import { SLACK_USER_ID, section } from '@ec2ops/core/slack';
import { chunk } from '../ec2/batches';
import { awsErrorCode, awsErrorMessage, isNotFound } from '../ec2/errors';
import { Pacer } from '../ec2/pacing';
import { describeManagedRules, revokeIngressRules } from '../ec2/security-group-rules';
import { tagResources } from '../ec2/tags';
import { genericFailure, outOfTimeSkip, resultOf } from './apply-helpers';
import { warnOwner } from './owner-warning';
import type { JobImplementation, Pacing, RegionContext } from './types';

type Revoke = PlanItemFor<SweepItemData, 'revoke'>;
type Warning = PlanItemFor<SweepItemData, 'warn'>;

/**
 * port-sweep: closes temporary security-group rules whose expires-at has passed. Rules are
 * found by the managed tag on the server (never by scanning groups), re-read right before they
 * are revoked (an Extend since the plan wins), revoked by rule id, and "not found" counts as
 * closed. A failure is counted on the rule (close-failures tag) and retried next minute; past
 * `access.maxCloseFailures` it is logged as `port-rule-not-closing` for the alarm.
 */
const REREAD_BATCH = 200;
/** The expiry schedule closes a rule within seconds and the sweep runs each minute: later than this is late. */
const LATE_AFTER_MS = 2 * 60_000;
const REVOKE_BATCH = 100;
/** EC2's default bucket for resource-intensive actions such as RevokeSecurityGroupIngress. */
const REVOKE_PACING: Pacing = { burst: 50, perSecond: 5 };
const outOfTimeHere = () => outOfTimeSkip('the next run closes it');

export function sweepPolicy(config: StageConfig): SweepPolicy {
  return {
    tagPrefix: config.tagPrefix,
    warnBeforeMs: config.access.warnBefore ? parseDuration(config.access.warnBefore) : undefined,
    maxCloseFailures: config.access.maxCloseFailures,
    lateAfterMs: LATE_AFTER_MS,
  };
}

async function reread(ctx: RegionContext, ids: string[]): Promise<Map<string, AccessRule>> {
  const keys = accessTagKeys(ctx.config.tagPrefix);
  const fresh = new Map<string, AccessRule>();
  for (const batch of chunk(ids, REREAD_BATCH)) {
    const rules = await describeManagedRules(ctx.ec2, keys, [
      { Name: 'security-group-rule-id', Values: batch },
    ]);
    for (const rule of rules) fresh.set(rule.ruleId, rule);
  }
  return fresh;
}

type RevokeOutcome =
  | { ruleId: string; status: 'closed' | 'gone' }
  | { ruleId: string; status: 'failed'; error: unknown };

/** One call per group (up to 100 ids); if the batch fails, each rule alone so one bad rule fails alone. */
async function revokeGroup(ctx: RegionContext, groupId: string, ruleIds: string[]): Promise<RevokeOutcome[]> {
  const revoke = (ids: string[]) => revokeIngressRules(ctx.ec2, groupId, ids);
  const out: RevokeOutcome[] = [];
  for (const batch of chunk(ruleIds, REVOKE_BATCH)) {
    try {
      await revoke(batch);
      for (const ruleId of batch) out.push({ ruleId, status: 'closed' });
      continue;
    } catch (error) {
      if (batch.length === 1) {
        out.push(
          isNotFound(error)
            ? { ruleId: batch[0]!, status: 'gone' }
            : { ruleId: batch[0]!, status: 'failed', error },
        );
        continue;
      }
    }
    for (const ruleId of batch) {
      try {
        await revoke([ruleId]);
        out.push({ ruleId, status: 'closed' });
      } catch (error) {
        out.push(isNotFound(error) ? { ruleId, status: 'gone' } : { ruleId, status: 'failed', error });
      }
    }
  }
  return out;
}

async function recordFailure(ctx: RegionContext, item: SweepItem, failures: number): Promise<void> {
  const keys = accessTagKeys(ctx.config.tagPrefix);
  try {
    await tagResources(ctx.ec2, [item.id], { [keys.closeFailures]: String(failures) });
  } catch (error) {
    ctx.log.warn({ err: error, ruleId: item.id }, 'could not record the close failure on the rule');
  }
}

async function tell(
  ctx: RegionContext,
  owner: string | undefined,
  text: string,
  blocks?: unknown[],
): Promise<string> {
  if (!owner || !SLACK_USER_ID.test(owner)) return '';
  if (!ctx.notifier) return '; owner not told (no Slack notifier)';
  try {
    await ctx.notifier.dm(owner, blocks ? { text, blocks } : { text });
    return `; told ${owner}`;
  } catch (error) {
    ctx.log.warn({ err: error, owner }, 'could not DM the rule owner');
    return `; could not tell ${owner} (${awsErrorCode(error)})`;
  }
}

/**
 * Revokes group by group, in groups of what EC2's bucket for RevokeSecurityGroupIngress (a
 * resource-intensive action: 50, then 5/s) admits at once: wait for the tokens, re-read those
 * groups' rules, revoke. Re-reading each batch only once its turn has come keeps an Extend made
 * while earlier batches waited winning; the pacing keeps EC2 from throttling; the deadline is
 * checked before every batch, so a sweep larger than one run stops cleanly and the next minute's
 * run closes the rest.
 */
async function applyRevokes(ctx: RegionContext, items: Revoke[]): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  const policy = sweepPolicy(ctx.config);
  const byGroup = new Map<string, Revoke[]>();
  for (const item of items) {
    const groupId = item.data.groupId;
    byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), item]);
  }
  const groups = [...byGroup.values()];
  const pacing = ctx.pacing ?? REVOKE_PACING;
  const pacer = new Pacer(pacing.burst, pacing.perSecond);
  const size = Math.max(1, Math.floor(pacing.burst));
  for (let at = 0; at < groups.length; at += size) {
    const batch = groups.slice(at, at + size);
    await pacer.take(batch.length);
    if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) {
      for (const item of groups.slice(at).flat()) results.push(resultOf(item, outOfTimeHere()));
      break;
    }
    results.push(...(await closeBatch(ctx, batch.flat(), policy)));
    ctx.progress?.(batch.flat().length);
  }
  return results;
}

async function closeBatch(ctx: RegionContext, items: Revoke[], policy: SweepPolicy): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  const fresh = await reread(
    ctx,
    items.map((i) => i.id),
  );
  const due = new Map<string, Revoke[]>();
  for (const item of items) {
    const rule = fresh.get(item.id);
    if (!rule) {
      results.push(resultOf(item, { status: 'done', detail: 'already closed' }));
      continue;
    }
    const decision = decideRule(rule, policy, ctx.now.getTime());
    if (decision.kind !== 'revoke') {
      results.push(
        resultOf(item, {
          status: 'skipped',
          reason: `changed since the plan (${decision.reason}): left open`,
        }),
      );
      continue;
    }
    due.set(rule.groupId, [...(due.get(rule.groupId) ?? []), item]);
  }
  for (const [groupId, group] of due) {
    const byId = new Map(group.map((i) => [i.id, i]));
    const outcomes = await revokeGroup(
      ctx,
      groupId,
      group.map((i) => i.id),
    );
    for (const outcome of outcomes) {
      const item = byId.get(outcome.ruleId)!;
      const data = item.data;
      if (outcome.status === 'gone') {
        results.push(resultOf(item, { status: 'done', detail: 'already closed' }));
      } else if (outcome.status === 'closed') {
        const told = await tell(
          ctx,
          data.owner,
          ruleClosedNotice(data.label, ctx.region, Date.parse(data.expiresAt)),
        );
        results.push(resultOf(item, { status: 'done', detail: `closed${told}` }));
      } else if (outcome.status === 'failed') {
        const failures = data.failures + 1;
        await recordFailure(ctx, item, failures);
        const stuck = failures > ctx.config.access.maxCloseFailures;
        if (stuck) {
          ctx.log.error(
            {
              event: 'port-rule-not-closing',
              ruleId: item.id,
              groupId,
              failures,
              code: awsErrorCode(outcome.error),
            },
            `temporary rule ${item.id} failed to close ${failures} times: the port is still open`,
          );
        }
        const failure = genericFailure(outcome.error, item);
        results.push(
          resultOf(item, {
            status: 'failed',
            code: failure.code,
            message: `${failure.message} (failed ${failures} time${failures === 1 ? '' : 's'}${stuck ? ', over the limit: close it by hand' : ''})`,
          }),
        );
      }
    }
  }
  return results;
}

async function applyWarnings(ctx: RegionContext, items: Warning[]): Promise<ItemResult[]> {
  const keys = accessTagKeys(ctx.config.tagPrefix);
  const results: ItemResult[] = [];
  for (const item of items) {
    const data = item.data;
    const text = `${data.label} in ${ctx.region} closes at ${shortInstant(Date.parse(data.expiresAt))}. Extend it if you still need it.`;
    const told = await warnOwner(ctx, item, data.owner, {
      text,
      blocks: [...section(text), ...ruleButtons(item.id, ctx.config.access.defaultDuration, data.label)],
    });
    if (told.outcome.status !== 'done') {
      results.push(told);
      continue;
    }
    try {
      await tagResources(ctx.ec2, [item.id], { [keys.warnedFor]: data.expiresAt });
      results.push(told);
    } catch (error) {
      const detail = isNotFound(error)
        ? `told ${data.owner}; the rule closed meanwhile`
        : `told ${data.owner}; could not record ${keys.warnedFor} (${awsErrorMessage(error)}), may repeat`;
      results.push(resultOf(item, { status: 'done', detail }));
    }
  }
  return results;
}

export const portSweep: JobImplementation<SweepItemData> = {
  name: 'port-sweep',

  async plan(ctx): Promise<SweepRegionPlan> {
    const keys = accessTagKeys(ctx.config.tagPrefix);
    const rules = await describeManagedRules(ctx.ec2, keys);
    return planPortSweep(ctx.region, rules, sweepPolicy(ctx.config), ctx.now);
  },

  async apply(ctx, plan): Promise<ItemResult[]> {
    return [
      ...(await applyRevokes(ctx, itemsWithAction(plan.items, 'revoke'))),
      ...(await applyWarnings(ctx, itemsWithAction(plan.items, 'warn'))),
    ];
  },
};
