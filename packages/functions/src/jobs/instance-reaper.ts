import { CreateTagsCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { parseDuration } from '@ec2ops/core';
import { instanceTagKeys, LIVE_STATES } from '@ec2ops/core/instances';
import type { ItemResult, PlanItem } from '@ec2ops/core/jobs';
import {
  decideInstance,
  planInstanceReaper,
  type ReaperItemData,
  type ReaperPolicy,
} from '@ec2ops/core/jobs';
import { actionId, actions, button, SLACK_USER_ID, section } from '@ec2ops/core/slack';
import { awsErrorCode } from '../ec2/errors';
import { describeByIds, describeInstanceViews } from '../ec2/instances';
import { resultOf, settle } from './apply-helpers';
import { warnOwner } from './owner-warning';
import type { JobImplementation, RegionContext } from './types';

type Item = PlanItem<ReaperItemData>;

export function reaperPolicy(config: RegionContext['config']): ReaperPolicy {
  return {
    keys: instanceTagKeys(config.tagPrefix),
    action: config.reaper.action,
    warnBeforeMs: parseDuration(config.reaper.warnBefore)!,
  };
}

const name = (item: Item) => (item.data.name ? `${item.id} (${item.data.name})` : item.id);

async function warn(ctx: RegionContext, item: Item, policy: ReaperPolicy): Promise<ItemResult> {
  const data = item.data;
  if (data.action !== 'warn') throw new Error('not a warning');
  const verb = policy.action === 'stop' ? 'stopped' : 'terminated';
  const text = `Your instance ${name(item)} in ${item.region} expires ${data.expiresAt} (UTC) and will then be ${verb}. Extend it if you still need it: \`/ec2 extend ${item.id} 2h\`.`;
  const sent = await warnOwner(ctx, item, data.owner, {
    text,
    blocks: [
      ...section(`:alarm_clock: ${text}`),
      ...actions([
        button('Extend 2h', actionId('run', `extend-${item.id}`), { value: `extend ${item.id} 2h` }),
        button('Extend 1d', actionId('run', `extend-1d-${item.id}`), { value: `extend ${item.id} 1d` }),
      ]),
    ],
  });
  if (sent.outcome.status !== 'done') return sent;
  try {
    // Recorded per expiry: warned once, and again only if someone extends it.
    await ctx.ec2.send(
      new CreateTagsCommand({
        Resources: [item.id],
        Tags: [{ Key: policy.keys.warnedFor, Value: data.expiresAt }],
      }),
    );
  } catch (error) {
    return resultOf(item, {
      status: 'done',
      detail: `owner told; could not record ${policy.keys.warnedFor} (${awsErrorCode(error)}), may repeat`,
    });
  }
  return sent;
}

async function reap(ctx: RegionContext, item: Item, policy: ReaperPolicy): Promise<ItemResult> {
  return settle(item, async () => {
    if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) {
      return { status: 'skipped', reason: 'out of time in this run: the next run does it' };
    }
    // Someone may have extended it, tagged it keep or stopped it since the plan.
    const [fresh] = await describeByIds(ctx.ec2, ctx.region, [item.id]);
    if (!fresh) return { status: 'skipped', reason: 'gone since the plan' };
    const decision = decideInstance(fresh, policy, ctx.now.getTime());
    if (decision.kind !== 'act') {
      const why = decision.kind === 'skip' ? decision.reason : 'no longer expired';
      return { status: 'skipped', reason: `changed since the plan (${why})` };
    }
    const command =
      decision.action === 'stop'
        ? new StopInstancesCommand({ InstanceIds: [item.id] })
        : new TerminateInstancesCommand({ InstanceIds: [item.id] });
    try {
      await ctx.ec2.send(command as StopInstancesCommand);
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidInstanceID.NotFound')
        return { status: 'skipped', reason: 'gone since the plan' };
      throw error;
    }
    const owner = fresh.tags[policy.keys.owner];
    if (ctx.notifier && owner && SLACK_USER_ID.test(owner)) {
      const next =
        decision.action === 'stop'
          ? `\`/ec2 extend ${item.id} 2h\` then \`/ec2 start ${item.id}\` brings it back.`
          : 'Its root volume is deleted with it.';
      try {
        await ctx.notifier.dm(owner, {
          text: `Your instance ${name(item)} in ${item.region} expired (${decision.expiresAt}) and was ${decision.action === 'stop' ? 'stopped' : 'terminated'}. ${next}`,
        });
      } catch (error) {
        ctx.log.warn({ err: error, instance: item.id }, 'could not tell the owner');
      }
    }
    return { status: 'done', detail: `expired ${decision.expiresAt}` };
  });
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
    const results: ItemResult[] = [];
    for (const item of plan.items as Item[]) {
      results.push(item.action === 'warn' ? await warn(ctx, item, policy) : await reap(ctx, item, policy));
    }
    return results;
  },
};
