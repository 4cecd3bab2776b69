import { CreateTagsCommand, DeleteSnapshotCommand, DeregisterImageCommand } from '@aws-sdk/client-ec2';
import { InputError, type StageConfig } from '@ec2ops/core';
import { bakeRegions, resolveJobSettings } from '@ec2ops/core/config';
import type { ItemResult } from '@ec2ops/core/jobs';
import {
  type AmiBakeItem,
  type AmiBakeItemData,
  type AmiBakePlan,
  type BakeTagKeys,
  bakedAtMs,
  bakeTagKeys,
  isFailedState,
  localDayBounds,
  planAmiBake,
  summarizeAmiBake,
} from '@ec2ops/core/jobs';
import pLimit, { type LimitFunction } from 'p-limit';
import { chunk } from '../ec2/batches';
import { awsErrorCode, awsErrorMessage, isNotFound } from '../ec2/errors';
import {
  createImage,
  describeImagesById,
  describeImageUsers,
  describeManagedImages,
  describeTemplateHeads,
  describeTemplateVersions,
  observeRegion,
  type TemplateHead,
} from '../ec2/images';
import { toTagList } from '../ec2/tags';
import { type FailureExplainer, resultOf, settle } from './apply-helpers';
import type { JobImplementation, RegionContext } from './types';

/**
 * The ami-bake job: describe (filtered, paginated) → the pure planner in core → apply in order
 * (bake, mark available, deregister, delete snapshots) → report. Each item succeeds or fails on
 * its own; a snapshot is deleted only after its image is gone.
 */

/** One limiter per run (per config object) so `bake.concurrency` bounds all regions together. */
const limiters = new WeakMap<StageConfig, LimitFunction>();
function limiter(config: StageConfig): LimitFunction {
  let limit = limiters.get(config);
  if (!limit) {
    limit = pLimit(config.bake.concurrency);
    limiters.set(config, limit);
  }
  return limit;
}

/** Past the run's deadline nothing new starts; the next run picks it up (state is in tags). */
function outOfTime(ctx: RegionContext): boolean {
  return ctx.deadline !== undefined && Date.now() >= ctx.deadline;
}
const LATER = 'out of time in this run: the next run does it';

/** Launch-template heads seen at plan time, to notice a version added between plan and apply. */
const planTemplates = new WeakMap<AmiBakePlan, TemplateHead[]>();

const explain: FailureExplainer = (error) => {
  const code = awsErrorCode(error);
  const message = awsErrorMessage(error);
  if (code === 'InvalidSnapshot.InUse') {
    return {
      code,
      message: `cannot delete snapshot: still in use (${message}), do nothing: the next run retries it`,
    };
  }
  if (code === 'IncorrectInstanceState') {
    return {
      code,
      message: `cannot bake: ${message}, do nothing: the next run bakes it when running or stopped`,
    };
  }
  if (code === 'InvalidAMIName.Duplicate') {
    return {
      code,
      message: `cannot bake: ${message}, do rename or deregister that image; the next run retries`,
    };
  }
  return undefined;
};

/**
 * Sources baked today since the plan (an overlapping run, a `/ec2 ami bake`): one filtered
 * DescribeImages per 200 sources. CreateImage has no client token, so this is the guard.
 */
async function bakedSincePlan(
  ctx: RegionContext,
  items: AmiBakeItem[],
  keys: BakeTagKeys,
): Promise<Map<string, string>> {
  const day = localDayBounds(ctx.now.getTime(), amiBakeTimeZone(ctx.config));
  const found = new Map<string, string>();
  for (const batch of chunk(
    items.map((i) => i.id),
    200,
  )) {
    const images = await describeManagedImages(ctx.ec2, keys, [
      { Name: `tag:${keys.sourceInstance}`, Values: batch },
    ]);
    for (const image of images) {
      const at = bakedAtMs(image, keys);
      const source = image.tags[keys.sourceInstance];
      if (source && !isFailedState(image.state) && at >= day.start && at < day.end)
        found.set(source, image.id);
    }
  }
  return found;
}

async function applyBake(
  ctx: RegionContext,
  item: AmiBakeItem,
  keys: BakeTagKeys,
  already: Map<string, string>,
): Promise<ItemResult> {
  const data = item.data;
  if (data.kind !== 'bake') throw new Error('not a bake');
  return settle(
    item,
    async () => {
      if (outOfTime(ctx)) return { status: 'skipped', reason: LATER };
      const earlier = already.get(data.instanceId);
      if (earlier) return { status: 'skipped', reason: `baked since the plan (${earlier})` };
      const { imageId, existed } = await createImage(ctx.ec2, data, keys);
      return { status: 'done', detail: `${imageId} ${data.name}${existed ? ' (already created)' : ''}` };
    },
    explain,
  );
}

async function applyMarks(ctx: RegionContext, items: AmiBakeItem[]): Promise<ItemResult[]> {
  const groups = new Map<string, AmiBakeItem[]>();
  for (const item of items) {
    if (item.data.kind !== 'mark-available') continue;
    const key = JSON.stringify(item.data.tags);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const results: ItemResult[] = [];
  for (const [key, group] of groups) {
    const tags = toTagList(JSON.parse(key) as Record<string, string>);
    for (const batch of chunk(group, 1000)) {
      try {
        await ctx.ec2.send(new CreateTagsCommand({ Resources: batch.map((i) => i.id), Tags: tags }));
        for (const item of batch) results.push(resultOf(item, { status: 'done', detail: item.reason }));
      } catch {
        // One image gone since the plan must not fail the others: tag them one by one.
        for (const item of batch) {
          results.push(
            await settle(item, async () => {
              await ctx.ec2.send(new CreateTagsCommand({ Resources: [item.id], Tags: tags }));
              return { status: 'done', detail: item.reason };
            }),
          );
        }
      }
    }
  }
  return results;
}

/**
 * Re-reads what could have changed since the plan, right before deregistering: the images
 * themselves (keep tag, still there), instances launched from them, and launch templates that
 * gained versions. Returns image id → why it must now be left alone.
 */
async function recheck(ctx: RegionContext, plan: AmiBakePlan, items: AmiBakeItem[], keys: BakeTagKeys) {
  const ids = items.map((i) => i.id);
  const vetoes = new Map<string, { status: 'skipped' | 'done'; text: string }>();
  if (ids.length === 0) return vetoes;
  const fresh = new Map((await describeImagesById(ctx.ec2, ids)).map((i) => [i.id, i] as const));
  for (const id of ids) {
    const image = fresh.get(id);
    if (!image) vetoes.set(id, { status: 'done', text: 'already deregistered' });
    else if (image.tags[keys.keep] === 'true')
      vetoes.set(id, { status: 'skipped', text: `tagged ${keys.keep}=true since the plan` });
    else if (image.tags[keys.managed] !== 'true')
      vetoes.set(id, { status: 'skipped', text: 'no longer managed' });
  }
  for (const user of await describeImageUsers(ctx.ec2, ids)) {
    if (user.imageId)
      vetoes.set(user.imageId, {
        status: 'skipped',
        text: `in use since the plan by instance ${user.id} (${user.state})`,
      });
  }
  const before = new Map((planTemplates.get(plan) ?? []).map((t) => [t.id, t.latestVersion] as const));
  const changed = (await describeTemplateHeads(ctx.ec2)).filter((t) => before.get(t.id) !== t.latestVersion);
  const versions = await pLimit(4).map(changed, (t) => describeTemplateVersions(ctx.ec2, t));
  for (const v of versions.flat()) {
    if (v.imageId && ids.includes(v.imageId)) {
      vetoes.set(v.imageId, {
        status: 'skipped',
        text: `in use since the plan by launch template ${v.templateName ?? v.templateId} version ${v.version}`,
      });
    }
  }
  return vetoes;
}

async function applyDeregisters(
  ctx: RegionContext,
  plan: AmiBakePlan,
  items: AmiBakeItem[],
  keys: BakeTagKeys,
): Promise<ItemResult[]> {
  let vetoes: Awaited<ReturnType<typeof recheck>>;
  try {
    vetoes = await recheck(ctx, plan, items, keys);
  } catch (error) {
    // Without a fresh read nothing is destroyed this run.
    return items.map((item) =>
      resultOf(item, {
        status: 'failed',
        code: awsErrorCode(error),
        message: `cannot deregister: could not re-read it first (${awsErrorMessage(error)}), do nothing: the next run retries`,
      }),
    );
  }
  const sem = limiter(ctx.config);
  return sem.map(items, (item) =>
    settle(item, async () => {
      const veto = vetoes.get(item.id);
      if (veto?.status === 'skipped') return { status: 'skipped', reason: veto.text };
      if (veto?.status === 'done') return { status: 'done', detail: veto.text };
      if (outOfTime(ctx)) return { status: 'skipped', reason: LATER };
      try {
        await ctx.ec2.send(new DeregisterImageCommand({ ImageId: item.id }));
      } catch (error) {
        if (isNotFound(error)) return { status: 'done', detail: 'already deregistered' };
        throw error;
      }
      return { status: 'done', detail: item.reason };
    }),
  );
}

async function applySnapshotDeletes(
  ctx: RegionContext,
  items: AmiBakeItem[],
  deregistered: Set<string>,
): Promise<ItemResult[]> {
  const sem = limiter(ctx.config);
  return Promise.all(
    items.map((item) => {
      const data = item.data;
      if (data.kind !== 'delete-snapshot') throw new Error('not a snapshot');
      if (data.imageId && !deregistered.has(data.imageId)) {
        return Promise.resolve(
          resultOf(item, { status: 'skipped', reason: `its image ${data.imageId} was not deregistered` }),
        );
      }
      return sem(() =>
        settle(
          item,
          async () => {
            if (outOfTime(ctx)) return { status: 'skipped', reason: LATER };
            try {
              await ctx.ec2.send(new DeleteSnapshotCommand({ SnapshotId: data.snapshotId }));
            } catch (error) {
              if (isNotFound(error)) return { status: 'done', detail: 'already deleted' };
              throw error;
            }
            return { status: 'done', detail: `${data.sizeGiB} GiB${data.orphan ? ', orphaned' : ''}` };
          },
          explain,
        ),
      );
    }),
  );
}

async function applyBakes(ctx: RegionContext, items: AmiBakeItem[], keys: BakeTagKeys, sem: LimitFunction) {
  if (items.length === 0) return [];
  let already: Map<string, string>;
  try {
    already = await bakedSincePlan(ctx, items, keys);
  } catch (error) {
    return items.map((item) =>
      resultOf(item, {
        status: 'failed',
        code: awsErrorCode(error),
        message: `cannot bake: could not check for an image baked since the plan (${awsErrorMessage(error)}), do nothing: the next run retries`,
      }),
    );
  }
  return sem.map(items, (item) => applyBake(ctx, item, keys, already));
}

export function amiBakeTimeZone(config: StageConfig): string {
  return resolveJobSettings(config, 'ami-bake').timeZone;
}

export async function planRegion(ctx: RegionContext): Promise<AmiBakePlan> {
  if (!ctx.config.regions.includes(ctx.region)) {
    throw new InputError(
      'bake.region',
      `${ctx.region} is not one of the stage's regions (${ctx.config.regions.join(', ')}); nothing is baked or removed there`,
      { hint: "Run it for one of the stage's regions, or add this one to regions in the stage config." },
    );
  }
  if (!bakeRegions(ctx.config).includes(ctx.region)) {
    return {
      region: ctx.region,
      items: [],
      skipped: [],
      sections: [{ title: `Not baked (${ctx.region})`, lines: ['not one of bake.regions'] }],
    };
  }
  const keys = bakeTagKeys(ctx.config.tagPrefix);
  const observation = await observeRegion(ctx.ec2, ctx.region, keys, ctx.config.bake.concurrency);
  const plan = planAmiBake({
    observation,
    now: ctx.now.getTime(),
    stage: ctx.config.stage,
    tagPrefix: ctx.config.tagPrefix,
    bake: ctx.config.bake,
    timeZone: amiBakeTimeZone(ctx.config),
  });
  planTemplates.set(plan, observation.templateHeads);
  return plan;
}

export async function applyRegion(ctx: RegionContext, plan: AmiBakePlan): Promise<ItemResult[]> {
  const keys = bakeTagKeys(ctx.config.tagPrefix);
  const of = (kind: AmiBakeItemData['kind']) => plan.items.filter((i) => i.data.kind === kind);
  const sem = limiter(ctx.config);
  const results: ItemResult[] = [];
  results.push(...(await applyBakes(ctx, of('bake'), keys, sem)));
  results.push(...(await applyMarks(ctx, of('mark-available'))));
  const deregisters = await applyDeregisters(ctx, plan, of('deregister'), keys);
  results.push(...deregisters);
  const gone = new Set(deregisters.filter((r) => r.outcome.status === 'done').map((r) => r.id));
  results.push(...(await applySnapshotDeletes(ctx, of('delete-snapshot'), gone)));
  return results;
}

export const amiBake: JobImplementation<AmiBakeItemData> = {
  name: 'ami-bake',
  plan: planRegion,
  apply: applyRegion,
  summarize: ({ config, dryRun, plans, results }) =>
    summarizeAmiBake({ plans, results, dryRun, pricePerGbMonth: config.bake.pricePerGbMonth }),
};
