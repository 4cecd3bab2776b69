import { Ec2ApiError, invalidParameterValue, missingParameter } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, isWellFormed, malformed, newId } from '../ids';
import { type LaunchTemplateRecord, type LaunchTemplateVersionRecord, launchTemplates } from '../model';
import { paginate, readPagination } from '../pagination';
import type { Params } from '../query';
import { type ActionContext, readAction, writeAction } from '../registry';
import type { BaseRecord, RegionState } from '../store';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';
import {
  dataWarnings,
  type LaunchTemplateData,
  launchTemplateDataToWire,
  readLaunchTemplateData,
} from './launch-template-data';

/**
 * Launch templates and their versions. Every version is kept and describable, because "is this
 * AMI in use" must look at all of them, not only `$Default`/`$Latest`.
 */
const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
export const MAX_VERSIONS = 10_000;

const createdBy = (account: string) => `arn:aws:iam::${account}:root`;

function templateToWire(template: LaunchTemplateRecord): XmlObject {
  return {
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    createTime: new Date(template.createTime),
    createdBy: template.createdBy,
    defaultVersionNumber: template.defaultVersion,
    latestVersionNumber: template.latestVersion,
    tagSet: tagSet(template.tags),
  };
}

function versionToWire(template: LaunchTemplateRecord, version: LaunchTemplateVersionRecord): XmlObject {
  return {
    launchTemplateId: template.id,
    launchTemplateName: template.name,
    versionNumber: version.versionNumber,
    versionDescription: version.versionDescription,
    createTime: new Date(version.createTime),
    createdBy: version.createdBy,
    defaultVersion: version.versionNumber === template.defaultVersion,
    launchTemplateData: launchTemplateDataToWire(version.data),
  };
}

function notFoundById(id: string): Ec2ApiError {
  return new Ec2ApiError(
    'InvalidLaunchTemplateId.NotFound',
    `The specified launch template, with template ID ${id}, does not exist.`,
  );
}

function notFoundByName(): Ec2ApiError {
  return new Ec2ApiError(
    'InvalidLaunchTemplateName.NotFoundException',
    'At least one of the launch templates specified in the request does not exist.',
  );
}

/** `LaunchTemplateId` or `LaunchTemplateName` (exactly one). */
export function findTemplate(state: RegionState, params: Params): LaunchTemplateRecord {
  const id = params.string('LaunchTemplateId');
  const name = params.string('LaunchTemplateName');
  if (id !== undefined && name !== undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'Specify either a launch template ID or a launch template name, not both.',
    );
  }
  if (id !== undefined) {
    if (!isWellFormed(id, ID_KINDS.launchTemplate)) throw malformed(ID_KINDS.launchTemplate, id);
    const template = launchTemplates.in(state).get(id);
    if (!template) throw notFoundById(id);
    return template;
  }
  if (name !== undefined) {
    const template = [...launchTemplates.in(state).values()].find((t) => t.name === name);
    if (!template) throw notFoundByName();
    return template;
  }
  throw new Ec2ApiError(
    'MissingParameter',
    'The request must contain the parameter LaunchTemplateName or LaunchTemplateId',
  );
}

/** A version selector: a number, `$Latest` or `$Default`. */
function versionNumber(template: LaunchTemplateRecord, selector: string): number {
  if (selector === '$Latest') return template.latestVersion;
  if (selector === '$Default') return template.defaultVersion;
  if (!/^[1-9][0-9]{0,17}$/.test(selector)) {
    throw new Ec2ApiError(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${selector} for launch template ${template.id}.`,
    );
  }
  return Number(selector);
}

export function findVersion(template: LaunchTemplateRecord, selector: string): LaunchTemplateVersionRecord {
  const number = versionNumber(template, selector);
  const version = template.versions.find((v) => v.versionNumber === number);
  if (!version) {
    throw new Ec2ApiError(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${selector} for launch template ${template.id}.`,
    );
  }
  return version;
}

function readData(params: Params): LaunchTemplateData {
  const data = params.child('LaunchTemplateData');
  if (!data) throw missingParameter('LaunchTemplateData');
  return readLaunchTemplateData(data);
}

function readDescription(params: Params): string | undefined {
  const description = params.string('VersionDescription');
  if (description !== undefined && description.length > 255) {
    throw invalidParameterValue('The version description must be at most 255 characters long.');
  }
  return description;
}

interface TokenEntry {
  fingerprint: string;
  templateId: string;
  version: number;
}

function tokens(state: RegionState): Record<string, TokenEntry> {
  if (!state.extra.launchTemplateTokens) state.extra.launchTemplateTokens = {};
  return state.extra.launchTemplateTokens as Record<string, TokenEntry>;
}

/** ClientToken idempotency shared by both create actions. */
function replay(ctx: ActionContext): TokenEntry | undefined {
  const token = ctx.params.string('ClientToken');
  if (token === undefined) return undefined;
  const entry = tokens(ctx.state)[`${ctx.action}:${token}`];
  if (!entry) return undefined;
  if (entry.fingerprint !== ctx.params.canonical(['ClientToken', 'DryRun', 'Action', 'Version'])) {
    throw new Ec2ApiError(
      'IdempotentParameterMismatch',
      'The client token is already associated with a different request.',
    );
  }
  return entry;
}

function remember(ctx: ActionContext, templateId: string, version: number): void {
  const token = ctx.params.string('ClientToken');
  if (token === undefined) return;
  tokens(ctx.state)[`${ctx.action}:${token}`] = {
    fingerprint: ctx.params.canonical(['ClientToken', 'DryRun', 'Action', 'Version']),
    templateId,
    version,
  };
}

writeAction('CreateLaunchTemplate', (ctx) => {
  const { params, state, store, now } = ctx;
  const previous = replay(ctx);
  const existing = previous && launchTemplates.in(state).get(previous.templateId);
  if (existing) {
    ctx.gate();
    return { launchTemplate: templateToWire(existing) };
  }
  const name = params.requiredString('LaunchTemplateName');
  if (!NAME.test(name)) {
    throw new Ec2ApiError(
      'InvalidLaunchTemplateName.MalformedException',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
    );
  }
  const description = readDescription(params);
  const data = readData(params);
  const tags = readTagSpecifications(params, ['launch-template']).get('launch-template') ?? [];
  if ([...launchTemplates.in(state).values()].some((t) => t.name === name)) {
    throw new Ec2ApiError(
      'InvalidLaunchTemplateName.AlreadyExistsException',
      `Launch template name already in use.`,
    );
  }
  const warning = dataWarnings(state, data);
  ctx.gate();
  const template: LaunchTemplateRecord = {
    id: newId(ID_KINDS.launchTemplate),
    tags,
    name,
    createTime: now,
    createdBy: createdBy(store.accountId),
    defaultVersion: 1,
    latestVersion: 1,
    versions: [
      {
        versionNumber: 1,
        versionDescription: description,
        createTime: now,
        createdBy: createdBy(store.accountId),
        data,
      },
    ],
  };
  launchTemplates.in(state).set(template.id, template);
  remember(ctx, template.id, 1);
  return { launchTemplate: templateToWire(template), warning };
});

writeAction('CreateLaunchTemplateVersion', (ctx) => {
  const { params, state, store, now } = ctx;
  const previous = replay(ctx);
  const replayed = previous && launchTemplates.in(state).get(previous.templateId);
  const replayedVersion = replayed?.versions.find((v) => v.versionNumber === previous?.version);
  if (replayed && replayedVersion) {
    ctx.gate();
    return { launchTemplateVersion: versionToWire(replayed, replayedVersion) };
  }
  const template = findTemplate(state, params);
  const description = readDescription(params);
  const update = readData(params);
  const source = params.string('SourceVersion');
  const base = source !== undefined ? structuredClone(findVersion(template, source).data) : {};
  const data: LaunchTemplateData = { ...base, ...update };
  if (template.versions.length >= MAX_VERSIONS) {
    throw new Ec2ApiError(
      'VersionLimitExceeded',
      `The launch template ${template.id} has reached the limit of ${MAX_VERSIONS} versions.`,
    );
  }
  const warning = dataWarnings(state, data);
  ctx.gate();
  const version: LaunchTemplateVersionRecord = {
    versionNumber: template.latestVersion + 1,
    versionDescription: description,
    createTime: now,
    createdBy: createdBy(store.accountId),
    data,
  };
  template.versions.push(version);
  template.latestVersion = version.versionNumber;
  remember(ctx, template.id, version.versionNumber);
  return { launchTemplateVersion: versionToWire(template, version), warning };
});

writeAction('ModifyLaunchTemplate', (ctx) => {
  const template = findTemplate(ctx.state, ctx.params);
  const wanted = ctx.params.string('SetDefaultVersion');
  const version = wanted !== undefined ? findVersion(template, wanted) : undefined;
  ctx.gate();
  if (version) template.defaultVersion = version.versionNumber;
  return { launchTemplate: templateToWire(template) };
});

writeAction('DeleteLaunchTemplate', (ctx) => {
  const template = findTemplate(ctx.state, ctx.params);
  ctx.gate();
  launchTemplates.in(ctx.state).delete(template.id);
  return { launchTemplate: templateToWire(template) };
});

const TEMPLATE_FILTERS: FilterFields<LaunchTemplateRecord> = {
  'create-time': (t) => new Date(t.createTime).toISOString(),
  'launch-template-name': (t) => t.name,
};

readAction('DescribeLaunchTemplates', ({ params, state, action }) => {
  const ids = params.strings('LaunchTemplateId');
  const names = params.strings('LaunchTemplateName');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const all = launchTemplates.in(state);
  for (const id of ids) {
    if (!isWellFormed(id, ID_KINDS.launchTemplate)) throw malformed(ID_KINDS.launchTemplate, id);
    if (!all.has(id)) throw notFoundById(id);
  }
  for (const name of names) if (![...all.values()].some((t) => t.name === name)) throw notFoundByName();
  const selected = [...all.values()].filter(
    (t) => (ids.length === 0 && names.length === 0) || ids.includes(t.id) || names.includes(t.name),
  );
  const result = paginate(applyFilters(selected, filters, TEMPLATE_FILTERS), page, action);
  return { launchTemplates: result.items.map(templateToWire), nextToken: result.nextToken };
});

interface VersionRow extends BaseRecord {
  template: LaunchTemplateRecord;
  version: LaunchTemplateVersionRecord;
}

const VERSION_FILTERS: FilterFields<VersionRow> = {
  'create-time': (r) => new Date(r.version.createTime).toISOString(),
  'ebs-optimized': (r) => r.version.data.ebsOptimized as boolean | undefined,
  'iam-instance-profile': (r) => {
    const profile = r.version.data.iamInstanceProfile as { arn?: string; name?: string } | undefined;
    return [profile?.arn, profile?.name];
  },
  'image-id': (r) => r.version.data.imageId as string | undefined,
  'instance-type': (r) => r.version.data.instanceType as string | undefined,
  'is-default-version': (r) => r.version.versionNumber === r.template.defaultVersion,
  'kernel-id': (r) => r.version.data.kernelId as string | undefined,
  'ram-disk-id': (r) => r.version.data.ramDiskId as string | undefined,
  'launch-template-name': (r) => r.template.name,
  'launch-template-id': (r) => r.template.id,
};

readAction('DescribeLaunchTemplateVersions', ({ params, state, action }) => {
  const selectors = params.strings('LaunchTemplateVersion');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const minVersion = params.string('MinVersion');
  const maxVersion = params.string('MaxVersion');
  const named = params.has('LaunchTemplateId') || params.has('LaunchTemplateName');
  // Without a template, EC2 only resolves `$Latest` / `$Default` across every template.
  if (!named && selectors.some((s) => s !== '$Latest' && s !== '$Default')) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'Only $Latest and $Default can be used when no launch template is specified.',
    );
  }
  const templates = named ? [findTemplate(state, params)] : [...launchTemplates.in(state).values()];
  const rows: VersionRow[] = [];
  for (const template of templates) {
    let versions: LaunchTemplateVersionRecord[];
    if (selectors.length > 0) {
      const numbers = new Set(selectors.map((s) => findVersion(template, s).versionNumber));
      versions = template.versions.filter((v) => numbers.has(v.versionNumber));
    } else {
      const min = minVersion !== undefined ? versionNumber(template, minVersion) : 1;
      const max = maxVersion !== undefined ? versionNumber(template, maxVersion) : Number.POSITIVE_INFINITY;
      versions = template.versions.filter((v) => v.versionNumber >= min && v.versionNumber <= max);
    }
    for (const version of versions)
      rows.push({ id: `${template.id}:${version.versionNumber}`, template, version });
  }
  const result = paginate(applyFilters(rows, filters, VERSION_FILTERS, { tags: false }), page, action);
  return {
    launchTemplateVersionSet: result.items.map((r) => versionToWire(r.template, r.version)),
    nextToken: result.nextToken,
  };
});
