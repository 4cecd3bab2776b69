import type { ItemResult, PlanItem } from '@ec2ops/core/jobs';
import {
  type Address,
  ALREADY_RELEASED,
  decide,
  type EipItemData,
  type EipPolicy,
  type EipRegionPlan,
  eipMoney,
  eipPolicy,
  eipTagKeys,
  ownerWarning,
  planEipCleanup,
} from '@ec2ops/core/jobs';
import pLimit from 'p-limit';
import { describeAddresses, describeMany, releaseAddress } from '../ec2/addresses';
import { chunk, EC2_BATCH } from '../ec2/batches';
import { awsErrorCode, awsErrorMessage, isNotFound, isThrottling } from '../ec2/errors';
import { Pacer } from '../ec2/pacing';
import { tagResources, untagResources } from '../ec2/tags';
import { type FailureExplainer, outOfTimeSkip, resultOf, settle } from './apply-helpers';
import { warnOwner } from './owner-warning';
import type { JobImplementation, Pacing, RegionContext } from './types';

type Item = PlanItem<EipItemData>;

/** Releases in flight per region within a group (the group's tokens are already taken). */
const RELEASE_CONCURRENCY = 4;
/** EC2's default bucket for mutating actions such as ReleaseAddress (per account and region). */
const RELEASE_PACING: Pacing = { burst: 50, perSecond: 5 };

/** Core decides the policy; re-exported for the callers that still read it from here. */
export { eipPolicy };

/** "cannot release: …, do …" for the errors EC2 gives for addresses that cannot go. */
const explainReleaseFailure: FailureExplainer = (error, item) => {
  const code = awsErrorCode(error);
  const where = `--allocation-id ${item.id} --region ${item.region}`;
  switch (code) {
    case 'InvalidAddress.PtrSet':
      return {
        code,
        message: `cannot release: a reverse-DNS (PTR) record is set on it, do remove it (aws ec2 reset-address-attribute ${where} --attribute domain-name) and the next run releases it`,
      };
    case 'InvalidAddress.Locked':
      return {
        code,
        message:
          'cannot release: the address is locked to the account, do ask AWS Support to unlock it (or tag it keep=true to stop this report)',
      };
    case 'InvalidIPAddress.InUse':
      return {
        code,
        message: `cannot release: EC2 says it is in use, do disassociate it first (aws ec2 disassociate-address …) or tag it keep=true if it is still needed`,
      };
    case 'AuthFailure':
      return {
        code,
        message: `cannot release: EC2 refused (${awsErrorMessage(error)}), do check that the address belongs to this account`,
      };
    default:
      return undefined;
  }
};

/**
 * Tags many addresses in one call; if the batch is refused for another reason than throttling
 * (which the SDK already retried), each address is retried alone so one gone address does not
 * fail the others.
 */
async function batchTag(
  items: Item[],
  send: (ids: string[]) => Promise<unknown>,
  detail: (item: Item) => string,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const batch of chunk(items, EC2_BATCH)) {
    try {
      await send(batch.map((i) => i.id));
      for (const item of batch) results.push(resultOf(item, { status: 'done', detail: detail(item) }));
    } catch (error) {
      if (batch.length === 1 || isThrottling(error)) {
        for (const item of batch) results.push(await settle(item, () => Promise.reject(error)));
        continue;
      }
      for (const item of batch) {
        results.push(
          await settle(item, async () => {
            try {
              await send([item.id]);
              return { status: 'done', detail: detail(item) };
            } catch (single) {
              if (isNotFound(single))
                return { status: 'skipped', reason: 'gone since the plan (released elsewhere)' };
              throw single;
            }
          }),
        );
      }
    }
  }
  return results;
}

async function applyMarks(ctx: RegionContext, items: Item[], key: string): Promise<ItemResult[]> {
  const byValue = new Map<string, Item[]>();
  for (const item of items) {
    if (item.data.action !== 'mark') continue;
    byValue.set(item.data.value, [...(byValue.get(item.data.value) ?? []), item]);
  }
  const results: ItemResult[] = [];
  for (const [value, group] of byValue) {
    results.push(
      ...(await batchTag(
        group,
        (ids) => tagResources(ctx.ec2, ids, { [key]: value }),
        () => `${key}=${value}`,
      )),
    );
  }
  return results;
}

async function applyUnmarks(ctx: RegionContext, items: Item[]): Promise<ItemResult[]> {
  const byKeys = new Map<string, Item[]>();
  for (const item of items) {
    if (item.data.action !== 'unmark') continue;
    const keys = [...item.data.keys].sort().join('\n');
    byKeys.set(keys, [...(byKeys.get(keys) ?? []), item]);
  }
  const results: ItemResult[] = [];
  for (const [keys, group] of byKeys) {
    const tagKeys = keys.split('\n');
    results.push(
      ...(await batchTag(
        group,
        (ids) => untagResources(ctx.ec2, ids, tagKeys),
        () => `removed ${tagKeys.join(', ')}`,
      )),
    );
  }
  return results;
}

async function applyWarnings(
  ctx: RegionContext,
  items: Item[],
  keys: ReturnType<typeof eipTagKeys>,
): Promise<ItemResult[]> {
  const sent: Item[] = [];
  const results: ItemResult[] = [];
  for (const item of items) {
    const data = item.data;
    if (data.action !== 'warn') continue;
    const outcome = await warnOwner(ctx, item, data.owner, {
      text: ownerWarning(item, data, ctx.now.getTime(), keys.keep),
    });
    if (outcome.outcome.status === 'done') sent.push(item);
    else results.push(outcome);
  }
  // The warned-at tag makes the warning happen once, not every hour.
  const value = ctx.now.toISOString();
  const tagged = await batchTag(
    sent,
    (ids) => tagResources(ctx.ec2, ids, { [keys.warnedAt]: value }),
    (item) => `told ${(item.data as { owner: string }).owner}`,
  );
  for (const result of tagged) {
    // The DM went out; failing to record it only means it may be repeated next run.
    if (result.outcome.status === 'failed') {
      results.push({
        ...result,
        outcome: {
          status: 'done',
          detail: `owner told; could not record ${keys.warnedAt} (${result.outcome.code}), may repeat`,
        },
      });
    } else results.push(result);
  }
  return results;
}

/**
 * Releases one address that was re-read just now (`fresh`, undefined when it is gone): the
 * decision is taken again on what EC2 says, never on the plan.
 */
async function releaseOne(
  ctx: RegionContext,
  item: Item,
  fresh: Address | undefined,
  policy: EipPolicy,
): Promise<ItemResult> {
  return settle(
    item,
    async () => {
      if (!fresh) return { status: 'done', detail: ALREADY_RELEASED };
      const decision = decide(fresh, policy, ctx.now.getTime());
      if (decision.kind === 'unmark') {
        await untagResources(ctx.ec2, [item.id], decision.keys);
        return { status: 'skipped', reason: 'associated since the plan: not released, idle mark cleared' };
      }
      if (decision.kind !== 'release') {
        const why = decision.kind === 'skip' ? decision.reason : 'no longer idle past the grace period';
        return { status: 'skipped', reason: `changed since the plan (${why}): not released` };
      }
      try {
        await releaseAddress(ctx.ec2, item.id, {
          region: ctx.region,
          networkBorderGroup: fresh.networkBorderGroup,
        });
      } catch (error) {
        if (isNotFound(error)) return { status: 'done', detail: ALREADY_RELEASED };
        throw error;
      }
      return { status: 'done', detail: `released after ${decision.reason}` };
    },
    explainReleaseFailure,
  );
}

const outOfTimeHere = () => outOfTimeSkip('the next run releases it');

/**
 * Releases in groups of what EC2's bucket admits at once: wait until the group's tokens are
 * there, re-read the whole group in one call (never rely on EC2 to refuse: in the default VPC it
 * silently disassociates), then release it. Waiting first keeps each re-read right before its
 * release, and one re-read a group instead of one an address keeps the calls near one a release.
 * Items keep the plan's order, so a run cut short by its deadline leaves a tail that the next
 * run (re-planned from EC2) picks up; `from` starts at an item index for a caller that resumes.
 */
export async function applyReleases(
  ctx: RegionContext,
  releases: readonly Item[],
  policy: EipPolicy,
  pacing: Pacing,
  from = 0,
): Promise<ItemResult[]> {
  const pacer = new Pacer(pacing.burst, pacing.perSecond);
  const group = Math.max(1, Math.floor(pacing.burst));
  const results: ItemResult[] = [];
  for (let at = from; at < releases.length; at += group) {
    const batch = releases.slice(at, at + group);
    await pacer.take(batch.length);
    if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) {
      for (const item of releases.slice(at)) results.push(resultOf(item, outOfTimeHere()));
      break;
    }
    const fresh = await settleGroup(batch, () =>
      describeMany(
        ctx.ec2,
        batch.map((i) => i.id),
      ),
    );
    if (!(fresh instanceof Map)) {
      results.push(...fresh);
      continue;
    }
    results.push(
      ...(await pLimit(RELEASE_CONCURRENCY).map(batch, (item) =>
        releaseOne(ctx, item, fresh.get(item.id), policy),
      )),
    );
    ctx.progress?.(batch.length);
  }
  return results;
}

/** The group's re-read, or when it fails (past the SDK's retries) that failure for each item. */
async function settleGroup<T>(batch: Item[], read: () => Promise<T>): Promise<T | ItemResult[]> {
  try {
    return await read();
  } catch (error) {
    return Promise.all(batch.map((item) => settle(item, () => Promise.reject(error))));
  }
}

export const eipCleanup: JobImplementation<EipItemData> = {
  name: 'eip-cleanup',

  async plan(ctx): Promise<EipRegionPlan> {
    const addresses = await describeAddresses(ctx.ec2);
    return planEipCleanup(ctx.region, addresses, eipPolicy(ctx.config), ctx.now);
  },

  async apply(ctx, plan): Promise<ItemResult[]> {
    const policy = eipPolicy(ctx.config);
    const keys = eipTagKeys(policy.tagPrefix);
    const items = plan.items as Item[];
    const results: ItemResult[] = [];
    results.push(...(await applyUnmarks(ctx, items)));
    results.push(...(await applyMarks(ctx, items, keys.idleSince)));
    results.push(...(await applyWarnings(ctx, items, keys)));
    ctx.progress?.(results.length);
    const releases = items.filter((i) => i.action === 'release');
    results.push(...(await applyReleases(ctx, releases, policy, ctx.pacing ?? RELEASE_PACING)));
    return results;
  },

  summarize({ config, plans, results, dryRun }) {
    return {
      money: eipMoney({
        plans: plans as EipRegionPlan[],
        results,
        dryRun,
        pricePerHour: config.eip.pricePerHour,
      }),
    };
  },
};
