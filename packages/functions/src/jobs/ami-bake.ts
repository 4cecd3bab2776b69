import { InputError, type StageConfig } from '@ec2ops/core';
import { isShareShorthand, shareTargetKind } from '@ec2ops/core/commands';
import { bakeRegions, resolveJobSettings } from '@ec2ops/core/config';
import type { ItemResult } from '@ec2ops/core/jobs';
import {
  type AmiBakeItem,
  type AmiBakeItemData,
  type AmiBakePlan,
  type BakeTagKeys,
  bakedAtMs,
  bakeTagKeys,
  copyItems,
  isFailedState,
  localDayBounds,
  noteRecoverability,
  type ObservedImage,
  type ObservedSnapshot,
  planAmiBake,
  planCopies,
  planShares,
  type RecycleResourceType,
  type ReportSection,
  recoveryNoteOf,
  summarizeAmiBake,
} from '@ec2ops/core/jobs';
import { parseDuration } from '@ec2ops/core/time';
import pLimit, { type LimitFunction } from 'p-limit';
import { resolveShareTargets } from '../accounts/organization';
import { chunk } from '../ec2/batches';
import type { EC2Client } from '../ec2/client';
import { awsErrorCode, awsErrorMessage, isNotFound } from '../ec2/errors';
import { changeSharing, sharingAndLastLaunch } from '../ec2/image-sharing';
import {
  copyImage,
  createImage,
  deleteSnapshot,
  deprecateImage,
  deregisterImage,
  describeImagesById,
  describeImageUsers,
  describeManagedImages,
  describeTemplateHeads,
  describeTemplateVersions,
  observeRegion,
  type TemplateHead,
} from '../ec2/images';
import { listRecycleRules } from '../ec2/recycle-bin';
import { tagResources } from '../ec2/tags';
import { observeUsage, usageSincePlan } from './ami-bake-usage';
import { type FailureExplainer, outOfTimeSkip, resultOf, settle } from './apply-helpers';
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
const later = () => outOfTimeSkip('the next run does it');

/** Launch-template heads seen at plan time per region, to notice a version added between plan and apply. */
const planTemplates = new WeakMap<AmiBakePlan, Map<string, TemplateHead[]>>();

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
      if (outOfTime(ctx)) return later();
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
    const tags = JSON.parse(key) as Record<string, string>;
    for (const batch of chunk(group, 1000)) {
      try {
        await tagResources(
          ctx.ec2,
          batch.map((i) => i.id),
          tags,
        );
        for (const item of batch) results.push(resultOf(item, { status: 'done', detail: item.reason }));
      } catch {
        // One image gone since the plan must not fail the others: tag them one by one.
        for (const item of batch) {
          results.push(
            await settle(item, async () => {
              await tagResources(ctx.ec2, [item.id], tags);
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
  // Shared and launched lately: other accounts may depend on it, which EC2 does not show us.
  // The schema validated it; 0 would keep nothing extra.
  const limitMs = parseDuration(ctx.config.bake.sharedLaunchedWithin) ?? 0;
  const candidates = ids.filter((id) => !vetoes.has(id));
  const sharing = await pLimit(4).map(candidates, (id) => sharingAndLastLaunch(ctx.ec2, id));
  candidates.forEach((id, i) => {
    const { sharedWith, lastLaunched } = sharing[i]!;
    const at = lastLaunched ? Date.parse(lastLaunched) : Number.NaN;
    if (sharedWith.length && ctx.now.getTime() - at < limitMs) {
      vetoes.set(id, {
        status: 'skipped',
        text: `shared with ${sharedWith.join(', ')} and launched ${lastLaunched}: kept until an admin confirms by unsharing it (/ec2 ami unshare ${id} with …)`,
      });
    }
  });
  for (const [id, text] of await usageSincePlan(ctx, ids)) vetoes.set(id, { status: 'skipped', text });
  for (const user of await describeImageUsers(ctx.ec2, ids)) {
    if (user.imageId)
      vetoes.set(user.imageId, {
        status: 'skipped',
        text: `in use since the plan by instance ${user.id} (${user.state})`,
      });
  }
  const heads = planTemplates.get(plan)?.get(ctx.region) ?? [];
  const before = new Map(heads.map((t) => [t.id, t.latestVersion] as const));
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
      if (outOfTime(ctx)) return later();
      if (!(await deregisterImage(ctx.ec2, item.id)))
        return { status: 'done', detail: 'already deregistered' };
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
            if (outOfTime(ctx)) return later();
            if (!(await deleteSnapshot(ctx.ec2, data.snapshotId))) {
              return { status: 'done', detail: 'already deleted' };
            }
            const note = recoveryNoteOf(item.reason);
            return {
              status: 'done',
              detail: `${data.sizeGiB} GiB${data.orphan ? ', orphaned' : ''}${note ? `; ${note}` : ''}`,
            };
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

/** `bake.shareWith` as EC2 names it (`org` / `ou-…` expanded through the stage's organisation). */
async function shareTargets(ctx: RegionContext): Promise<{ targets: string[]; warning?: string }> {
  const targets = ctx.config.bake.shareWith;
  if (!targets.some(isShareShorthand)) return { targets };
  try {
    return { targets: await resolveShareTargets(targets, ctx.organization) };
  } catch (error) {
    // Sharing is the last step of a good bake: without the organisation the rest still runs.
    if (!(error instanceof InputError)) throw error;
    return { targets: [], warning: `bake.shareWith: ${error.message} Nothing is shared this run.` };
  }
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
  const concurrency = ctx.config.bake.concurrency;
  const targets = ctx.config.bake.copyTo.filter((t) => t.region !== ctx.region);
  const reach = ctx.ec2For;
  const unreadable: { region: string; why: string }[] = [];
  // Everything the planner reads in one region: EC2's own, then what else may use its images.
  const observe = async (ec2: EC2Client, region: string) => {
    const o = await observeRegion(ec2, region, keys, concurrency);
    return {
      ...o,
      ...(await observeUsage(
        ctx,
        ec2,
        region,
        o.images.map((i) => i.id),
      )),
    };
  };
  const observeDr = async (region: string) => {
    try {
      return [await observe(reach!(region), region)];
    } catch (error) {
      ctx.log.warn({ err: error, dr: region }, 'could not read a copyTo region');
      unreadable.push({ region, why: awsErrorMessage(error) });
      return [];
    }
  };
  const [observation, drObservations] = await Promise.all([
    observe(ctx.ec2, ctx.region),
    reach ? Promise.all(targets.map((t) => observeDr(t.region))).then((o) => o.flat()) : Promise.resolve([]),
  ]);
  const common = {
    now: ctx.now.getTime(),
    stage: ctx.config.stage,
    tagPrefix: ctx.config.tagPrefix,
    bake: ctx.config.bake,
    timeZone: amiBakeTimeZone(ctx.config),
  };
  const homeImages = observation.images.filter((i) => !i.tags[keys.sourceImage]);
  const copies = planCopies({
    homeRegion: ctx.region,
    homeImages,
    drImages: new Map(drObservations.map((o) => [o.region, o.images] as const)),
    targets: reach ? targets : [],
    sourceImageKey: keys.sourceImage,
    managedKey: keys.managed,
  });
  // A DR region that could not be read may hold a pending copy of any image: nothing is removed at home.
  const pendingCopies = unreadable.length
    ? new Map(homeImages.map((i) => [i.id, unreadable.map((u) => `${u.region} (unreadable)`)] as const))
    : copies.pendingCopies;
  const home = planAmiBake({ ...common, observation, pendingCopies });
  // An image retention removes in this run is not worth copying.
  const leaving = new Set(home.items.filter((i) => i.data.kind === 'deregister').map((i) => i.id));
  const copying = copyItems(
    { ...copies, copies: copies.copies.filter((c) => !leaving.has(c.sourceImageId)) },
    homeImages,
    keys,
  );
  const shareWith = await shareTargets(ctx);
  const sharing = planShares({
    region: ctx.region,
    images: homeImages,
    targets: shareWith.targets,
    keys,
    leaving,
  });
  // Each DR region: retention and deprecation of this region's copies there, as at home.
  const drPlans = drObservations.map((o) =>
    // The home sources' retain tags govern their copies there too.
    planAmiBake({ ...common, observation: o, copiesFrom: ctx.region, sourceInstances: observation.targets }),
  );
  const sections: ReportSection[] = [...(home.sections ?? [])];
  if (copies.lines.length) sections.push({ title: 'Copies', lines: copies.lines });
  if (shareWith.warning) sections.push({ title: 'Warnings', lines: [shareWith.warning] });
  if (sharing.length) {
    sections.push({
      title: 'Shares',
      lines: sharing.map((i) => `${i.resource} (${ctx.region}): ${i.reason}`),
    });
  }
  if (unreadable.length) {
    sections.push({
      title: 'Warnings',
      lines: unreadable.map(
        (u) =>
          `${ctx.region} could not read copyTo region ${u.region} (${u.why}): nothing copied there, and retention here held this run`,
      ),
    });
  }
  if (targets.length && !reach) {
    sections.push({
      title: 'Warnings',
      lines: [
        `${ctx.region} bake.copyTo is set but this run has no client for other regions: nothing copied`,
      ],
    });
  }
  for (const dr of drPlans) sections.push(...(dr.sections ?? []));
  const plan: AmiBakePlan = {
    region: ctx.region,
    items: [...home.items, ...copying, ...sharing, ...drPlans.flatMap((p) => p.items)],
    skipped: [...home.skipped, ...drPlans.flatMap((p) => p.skipped)],
    sections,
  };
  planTemplates.set(
    plan,
    new Map([observation, ...drObservations].map((o) => [o.region, o.templateHeads] as const)),
  );
  return noteRecycleBin(ctx, plan, [observation, ...drObservations]);
}

const DELETIONS: Record<string, RecycleResourceType> = {
  deregister: 'EC2_IMAGE',
  'delete-snapshot': 'EBS_SNAPSHOT',
};

/**
 * Says in the plan until when each deletion can be restored from the Recycle Bin, reading the
 * rules of each region that has deletions (and only the types it deletes), or warns once per
 * region and type that deletions are final. Without a Recycle Bin client the plan is unchanged.
 */
async function noteRecycleBin(
  ctx: RegionContext,
  plan: AmiBakePlan,
  observations: { region: string; images: ObservedImage[]; snapshots: ObservedSnapshot[] }[],
): Promise<AmiBakePlan> {
  const rbin = ctx.rbin;
  if (!rbin) return plan;
  const keys = bakeTagKeys(ctx.config.tagPrefix);
  const items: AmiBakeItem[] = [];
  const warnings: string[] = [];
  for (const observation of observations) {
    const mine = plan.items.filter((i) => i.region === observation.region);
    const types = [...new Set(mine.flatMap((i) => (DELETIONS[i.action] ? [DELETIONS[i.action]!] : [])))];
    if (types.length === 0) {
      items.push(...mine);
      continue;
    }
    let rules: Awaited<ReturnType<typeof listRecycleRules>>;
    try {
      rules = (await Promise.all(types.map((t) => listRecycleRules(rbin(observation.region), t)))).flat();
    } catch (error) {
      // Not knowing what is recoverable must not stop retention; the report says so.
      warnings.push(
        `${observation.region} could not read the Recycle Bin rules (${awsErrorMessage(error)}): the report cannot say whether deletions are recoverable`,
      );
      items.push(...mine);
      continue;
    }
    const tags = new Map<string, Record<string, string>>();
    for (const r of [...observation.images, ...observation.snapshots]) tags.set(r.id, r.tags);
    const noted = noteRecoverability({
      items: mine,
      rules,
      tagsOf: (id) => tags.get(id) ?? {},
      now: ctx.now.getTime(),
      managedKey: keys.managed,
      region: observation.region,
    });
    items.push(...noted.items);
    warnings.push(...noted.warnings);
  }
  const sections = warnings.length
    ? [...(plan.sections ?? []), { title: 'Recycle Bin', lines: warnings }]
    : plan.sections;
  const noted: AmiBakePlan = { ...plan, items, sections };
  const heads = planTemplates.get(plan);
  if (heads) planTemplates.set(noted, heads);
  return noted;
}

async function applyCopies(ctx: RegionContext, items: AmiBakeItem[], keys: BakeTagKeys, sem: LimitFunction) {
  return sem.map(items, (item) =>
    settle(item, async () => {
      const data = item.data;
      if (data.kind !== 'copy') throw new Error('not a copy');
      if (outOfTime(ctx)) return later();
      const { imageId, existed } = await copyImage(ctx.ec2, data, keys);
      return { status: 'done', detail: `${imageId} in ${data.region}${existed ? ' (already copied)' : ''}` };
    }),
  );
}

async function applyDeprecations(ctx: RegionContext, items: AmiBakeItem[], sem: LimitFunction) {
  return sem.map(items, (item) =>
    settle(item, async () => {
      const data = item.data;
      if (data.kind !== 'deprecate') throw new Error('not a deprecation');
      if (outOfTime(ctx)) return later();
      try {
        await deprecateImage(ctx.ec2, data.imageId, new Date(data.deprecateAt));
      } catch (error) {
        if (isNotFound(error)) return { status: 'skipped', reason: 'deregistered since the plan' };
        throw error;
      }
      return { status: 'done', detail: `deprecated at ${data.deprecateAt}` };
    }),
  );
}

/**
 * `bake.shareWith`: the launch permission for every target (and for accounts the snapshots'
 * create-volume permission), then the digest tag that says it is done. Both are idempotent, so
 * a retry, or another run sharing the same image at once, leaves one permission per target.
 */
async function applyShares(ctx: RegionContext, items: AmiBakeItem[], keys: BakeTagKeys, sem: LimitFunction) {
  return sem.map(items, (item) =>
    settle(item, async () => {
      const data = item.data;
      if (data.kind !== 'share') throw new Error('not a share');
      if (outOfTime(ctx)) return later();
      try {
        for (const id of data.targets) {
          await changeSharing(ctx.ec2, 'Add', data.imageId, data.snapshotIds, {
            kind: shareTargetKind(id),
            id,
          });
        }
      } catch (error) {
        if (isNotFound(error)) return { status: 'skipped', reason: 'deregistered since the plan' };
        throw error;
      }
      await tagResources(ctx.ec2, [data.imageId], { [keys.sharedWith]: data.digest });
      return { status: 'done', detail: `shared with ${data.targets.join(', ')}` };
    }),
  );
}

/** One region's share of the plan (the home region's, or a DR region's copies), with its client. */
async function applyIn(ctx: RegionContext, plan: AmiBakePlan, items: AmiBakeItem[]): Promise<ItemResult[]> {
  const keys = bakeTagKeys(ctx.config.tagPrefix);
  const of = (kind: AmiBakeItemData['kind']) => items.filter((i) => i.data.kind === kind);
  const sem = limiter(ctx.config);
  const results: ItemResult[] = [];
  results.push(...(await applyBakes(ctx, of('bake'), keys, sem)));
  results.push(...(await applyCopies(ctx, of('copy'), keys, sem)));
  results.push(...(await applyMarks(ctx, of('mark-available'))));
  results.push(...(await applyDeprecations(ctx, of('deprecate'), sem)));
  results.push(...(await applyShares(ctx, of('share'), keys, sem)));
  const deregisters = await applyDeregisters(ctx, plan, of('deregister'), keys);
  results.push(...deregisters);
  const gone = new Set(deregisters.filter((r) => r.outcome.status === 'done').map((r) => r.id));
  results.push(...(await applySnapshotDeletes(ctx, of('delete-snapshot'), gone)));
  return results;
}

export async function applyRegion(ctx: RegionContext, plan: AmiBakePlan): Promise<ItemResult[]> {
  const regions = [ctx.region, ...new Set(plan.items.map((i) => i.region).filter((r) => r !== ctx.region))];
  const results: ItemResult[] = [];
  for (const region of regions) {
    const items = plan.items.filter((i) => i.region === region);
    if (region === ctx.region) {
      results.push(...(await applyIn(ctx, plan, items)));
    } else if (ctx.ec2For) {
      results.push(...(await applyIn({ ...ctx, region, ec2: ctx.ec2For(region) }, plan, items)));
    }
  }
  return results;
}

export const amiBake: JobImplementation<AmiBakeItemData> = {
  name: 'ami-bake',
  plan: planRegion,
  apply: applyRegion,
  summarize: ({ config, dryRun, plans, results }) =>
    summarizeAmiBake({ plans, results, dryRun, pricePerGbMonth: config.bake.pricePerGbMonth }),
};
