import { parseDuration } from '@ec2ops/core';
import {
  type InstanceView,
  instanceReapedNotice,
  instanceTagKeys,
  LIVE_STATES,
} from '@ec2ops/core/instances';
import type { ItemResult, PlanItem, PlanItemFor } from '@ec2ops/core/jobs';
import {
  decideInstance,
  itemsWithAction,
  planInstanceReaper,
  type ReaperItemData,
  type ReaperPolicy,
} from '@ec2ops/core/jobs';
import { actionId, actions, button, SLACK_USER_ID, section } from '@ec2ops/core/slack';
import { sendInBatches } from '../ec2/batch-send';
import { awsErrorCode } from '../ec2/errors';
import { changeInstanceStates, readInstances } from '../ec2/instance-batches';
import { describeInstanceViews } from '../ec2/instances';
import { tagResources } from '../ec2/tags';
import { genericFailure, outOfTimeSkip, resultOf } from './apply-helpers';
import { warnOwner } from './owner-warning';
import type { JobImplementation, RegionContext } from './types';

type Item = PlanItem<ReaperItemData>;
type Warning = PlanItemFor<ReaperItemData, 'warn'>;
type Reaping = PlanItemFor<ReaperItemData, 'stop' | 'terminate'>;

/** An instance's expiry schedule acts within seconds of its TTL: past this, the reaper acted late. */
const LATE_AFTER_MS = 5 * 60_000;

export function reaperPolicy(config: RegionContext['config']): ReaperPolicy {
  return {
    keys: instanceTagKeys(config.tagPrefix),
    action: config.reaper.action,
    warnBeforeMs: parseDuration(config.reaper.warnBefore)!,
    lateAfterMs: LATE_AFTER_MS,
  };
}

const name = (item: Item) => (item.data.name ? `${item.id} (${item.data.name})` : item.id);

/** Tells the owner; the warned-for tags are written afterwards, in batches (see warnAll). */
async function warn(ctx: RegionContext, item: Warning, policy: ReaperPolicy): Promise<ItemResult> {
  const data = item.data;
  const verb = policy.action === 'stop' ? 'stopped' : 'terminated';
  const text = `Your instance ${name(item)} in ${item.region} expires ${data.expiresAt} (UTC) and will then be ${verb}. Extend it if you still need it: \`/ec2 extend ${item.id} 2h\`.`;
  return warnOwner(ctx, item, data.owner, {
    text,
    blocks: [
      ...section(`:alarm_clock: ${text}`),
      ...actions([
        button('Extend 2h', actionId('run', `extend-${item.id}`), { value: `extend ${item.id} 2h` }),
        button('Extend 1d', actionId('run', `extend-1d-${item.id}`), { value: `extend ${item.id} 1d` }),
      ]),
    ],
  });
}

/**
 * Warns every owner, then records each warning per expiry (warned once, and again only if
 * someone extends it) with one CreateTags per expiry value and 1,000 instances.
 */
async function warnAll(ctx: RegionContext, items: Warning[], policy: ReaperPolicy): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  const told = new Map<string, Warning[]>();
  for (const item of items) {
    const sent = await warn(ctx, item, policy);
    if (sent.outcome.status !== 'done') {
      results.push(sent);
      continue;
    }
    told.set(item.data.expiresAt, [...(told.get(item.data.expiresAt) ?? []), item]);
  }
  for (const [expiresAt, group] of told) {
    const run = await sendInBatches(
      group.map((i) => i.id),
      (ids) => tagResources(ctx.ec2, ids, { [policy.keys.warnedFor]: expiresAt }),
    );
    const refused = new Map(run.refused.map((r) => [r.id, r.error]));
    for (const item of group) {
      const error = refused.get(item.id);
      results.push(
        resultOf(item, {
          status: 'done',
          detail:
            error === undefined
              ? `told ${item.data.owner}`
              : `owner told; could not record ${policy.keys.warnedFor} (${awsErrorCode(error)}), may repeat`,
        }),
      );
    }
  }
  return results;
}

interface Reap {
  item: Item;
  fresh: InstanceView;
  expiresAt: string;
}

/**
 * Re-reads every item (someone may have extended it, tagged it keep or stopped it since the
 * plan), then stops or terminates what is still expired, 1,000 instances a call at EC2's
 * buckets. An instance EC2 refuses in a batch fails (or is gone) on its own; the rest go on.
 */
async function reapAll(ctx: RegionContext, items: Reaping[], policy: ReaperPolicy): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline)
    return items.map((item) => resultOf(item, outOfTimeSkip('the next run does it')));
  const results: ItemResult[] = [];
  const failed = (item: Item, error: unknown) =>
    resultOf(item, { status: 'failed', ...genericFailure(error, item) });
  const { found, refused } = await readInstances(
    ctx.ec2,
    ctx.region,
    items.map((i) => i.id),
  );
  const unread = new Map(refused.map((r) => [r.id, r.error]));
  const groups: Record<'stop' | 'terminate', Reap[]> = { stop: [], terminate: [] };
  for (const item of items) {
    if (unread.has(item.id)) {
      results.push(failed(item, unread.get(item.id)));
      continue;
    }
    const fresh = found.get(item.id);
    if (!fresh) {
      results.push(resultOf(item, { status: 'skipped', reason: 'gone since the plan' }));
      continue;
    }
    const decision = decideInstance(fresh, policy, ctx.now.getTime());
    if (decision.kind !== 'act') {
      const why = decision.kind === 'skip' ? decision.reason : 'no longer expired';
      results.push(resultOf(item, { status: 'skipped', reason: `changed since the plan (${why})` }));
      continue;
    }
    groups[decision.action].push({ item, fresh, expiresAt: decision.expiresAt });
  }
  ctx.progress?.(results.length);
  for (const action of ['stop', 'terminate'] as const) {
    const group = groups[action];
    if (group.length === 0) continue;
    const run = await changeInstanceStates(
      ctx.ec2,
      action,
      group.map((r) => r.item.id),
    );
    const refusedNow = new Map(run.refused.map((r) => [r.id, r.error]));
    for (const reap of group) {
      const error = refusedNow.get(reap.item.id);
      if (error === undefined) results.push(await reaped(ctx, reap, action, policy));
      else if (awsErrorCode(error) === 'InvalidInstanceID.NotFound')
        results.push(resultOf(reap.item, { status: 'skipped', reason: 'gone since the plan' }));
      else results.push(failed(reap.item, error));
    }
    ctx.progress?.(group.length);
  }
  return results;
}

/** Tells the owner what happened to an instance just stopped or terminated. */
async function reaped(
  ctx: RegionContext,
  { item, fresh, expiresAt }: Reap,
  action: 'stop' | 'terminate',
  policy: ReaperPolicy,
): Promise<ItemResult> {
  const owner = fresh.tags[policy.keys.owner];
  if (ctx.notifier && owner && SLACK_USER_ID.test(owner)) {
    try {
      await ctx.notifier.dm(owner, {
        text: instanceReapedNotice(
          { id: item.id, label: name(item), region: item.region },
          expiresAt,
          action,
        ),
      });
    } catch (error) {
      ctx.log.warn({ err: error, instance: item.id }, 'could not tell the owner');
    }
  }
  return resultOf(item, { status: 'done', detail: `expired ${expiresAt}` });
}

export const instanceReaper: JobImplementation<ReaperItemData> = {
  name: 'instance-reaper',

  async plan(ctx) {
    const policy = reaperPolicy(ctx.config);
    const instances = await describeInstanceViews(ctx.ec2, ctx.region, [
      { Name: `tag:${policy.keys.managed}`, Values: ['true'] },
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ]);
    return planInstanceReaper(ctx.region, instances, policy, ctx.now);
  },

  async apply(ctx, plan) {
    const policy = reaperPolicy(ctx.config);
    return [
      ...(await warnAll(ctx, itemsWithAction(plan.items, 'warn'), policy)),
      ...(await reapAll(ctx, itemsWithAction(plan.items, 'stop', 'terminate'), policy)),
    ];
  },
};
