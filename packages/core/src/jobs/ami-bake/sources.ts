import type { BakeConfig } from '../../config/bake';
import { parseDuration } from '../../time/durations';
import type { AmiBakeObservation, ObservedImage, ObservedInstance, Tags } from './observation';
import type { RetentionRule } from './retention';
import type { BakeTagKeys } from './tags';

/**
 * What the bake reads from a source instance and its images: labels for reports, who uses an
 * image, the per-instance overrides (retain, retain-days, bake-reboot) and the tags a new image
 * carries. Shared by the nightly planner and `/ec2 ami bake`.
 */

export function instanceLabel(instance: ObservedInstance): string {
  const name = instance.tags['Name'];
  return name ? `${instance.id} (${name})` : instance.id;
}

export function imageLabel(image: ObservedImage, keys: BakeTagKeys): string {
  const source = image.tags[keys.sourceInstance];
  return `${image.id}${image.name ? ` ${image.name}` : ''}${source ? ` of ${source}` : ''}`;
}

/**
 * Image id → who uses it: instances in any state but terminated (in this account and in the
 * fleet's other accounts), every launch-template version and every launch configuration.
 */
export function imageUsage(observation: AmiBakeObservation): Map<string, string[]> {
  const usedBy = new Map<string, string[]>();
  const add = (imageId: string | undefined, user: string) => {
    if (!imageId) return;
    const list = usedBy.get(imageId) ?? [];
    list.push(user);
    usedBy.set(imageId, list);
  };
  for (const instance of observation.imageUsers) {
    if (instance.state !== 'terminated') add(instance.imageId, `instance ${instance.id} (${instance.state})`);
  }
  for (const v of observation.launchTemplateVersions) {
    add(v.imageId, `launch template ${v.templateName ?? v.templateId} version ${v.version}`);
  }
  for (const c of observation.launchConfigurations ?? []) add(c.imageId, `launch configuration ${c.name}`);
  for (const { account, instance } of observation.foreignImageUsers ?? []) {
    if (instance.state !== 'terminated')
      add(instance.imageId, `instance ${instance.id} (${instance.state}) in account ${account}`);
  }
  for (const users of observation.unreadableUsers ?? []) {
    for (const image of observation.images) add(image.id, `possibly ${users} (could not be read)`);
  }
  return usedBy;
}

export interface SourceSettings {
  rule: RetentionRule;
  noReboot: boolean;
  warnings: string[];
}

/** Per-instance tags override the stage's retention and reboot settings; bad values are reported. */
export function sourceSettings(
  instance: ObservedInstance | undefined,
  bake: BakeConfig,
  keys: BakeTagKeys,
): SourceSettings {
  const warnings: string[] = [];
  const rule: RetentionRule = {
    count: bake.retention.count,
    ageMs: bake.retention.age === undefined ? undefined : parseDuration(bake.retention.age),
  };
  let noReboot = !bake.reboot;
  const tags = instance?.tags ?? {};
  const retain = tags[keys.retain];
  if (retain !== undefined) {
    if (/^\d{1,4}$/.test(retain)) rule.count = Number(retain);
    else
      warnings.push(
        `${instance?.id}: ${keys.retain}=${retain} is not a whole number; using the stage's retention`,
      );
  }
  const days = tags[keys.retainDays];
  if (days !== undefined) {
    if (/^\d{1,4}$/.test(days) && Number(days) > 0) rule.ageMs = Number(days) * 86_400_000;
    else
      warnings.push(
        `${instance?.id}: ${keys.retainDays}=${days} is not a number of days; using the stage's retention`,
      );
  }
  const reboot = tags[keys.reboot];
  if (reboot === 'true') noReboot = false;
  else if (reboot === 'false') noReboot = true;
  else if (reboot !== undefined)
    warnings.push(`${instance?.id}: ${keys.reboot}=${reboot} is not true or false; ignored`);
  return { rule, noReboot, warnings };
}

/** Tags a new image and its snapshots carry. */
export function bakeImageTags(input: {
  instance: ObservedInstance;
  now: number;
  stage: string;
  keys: BakeTagKeys;
  copyTags: string[];
  requestId?: string;
}): Tags {
  const { instance, keys } = input;
  const tags: Tags = {};
  for (const key of input.copyTags) {
    const value = instance.tags[key];
    // aws: keys are reserved; our own keys are set below and must not come from the instance.
    if (value !== undefined && !key.startsWith('aws:') && !Object.values(keys).includes(key))
      tags[key] = value;
  }
  tags[keys.managed] = 'true';
  tags[keys.sourceInstance] = instance.id;
  tags[keys.bakedAt] = new Date(input.now).toISOString();
  tags[keys.stage] = input.stage;
  if (input.requestId) tags[keys.requestId] = input.requestId;
  return tags;
}
