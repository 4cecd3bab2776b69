import { type Params, parseQuery } from '../query';
import type { RegionState } from '../store';
import { findTemplate, findVersion } from './launch-templates';

/**
 * RunInstances with `LaunchTemplate`: the version's data becomes the request's defaults. The
 * data is turned back into query parameters and the request's own parameters win, except that
 * block-device mappings merge by device name and tag specifications by resource type, as EC2 does.
 */
type Pairs = Map<string, string>;

function put(out: Pairs, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  out.set(key, typeof value === 'string' ? value : String(value));
}

function flatten(out: Pairs, prefix: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object') {
    put(out, prefix, value);
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    flatten(out, `${prefix}.${key[0]!.toUpperCase()}${key.slice(1)}`, inner);
  }
}

function dataToPairs(data: Record<string, unknown>): Pairs {
  const out: Pairs = new Map();
  put(out, 'ImageId', data.imageId);
  put(out, 'InstanceType', data.instanceType);
  put(out, 'KeyName', data.keyName);
  put(out, 'EbsOptimized', data.ebsOptimized);
  put(out, 'UserData', data.userData);
  put(out, 'DisableApiTermination', data.disableApiTermination);
  put(out, 'InstanceInitiatedShutdownBehavior', data.instanceInitiatedShutdownBehavior);
  flatten(out, 'IamInstanceProfile', data.iamInstanceProfile);
  const metadata = { ...(data.metadataOptions as Record<string, unknown> | undefined) };
  delete metadata.state;
  if (data.metadataOptions) flatten(out, 'MetadataOptions', metadata);
  flatten(out, 'Monitoring', data.monitoring);
  flatten(out, 'Placement', data.placement);
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  for (const [i, id] of list<string>(data.securityGroupIdSet).entries())
    put(out, `SecurityGroupId.${i + 1}`, id);
  for (const [i, name] of list<string>(data.securityGroupSet).entries())
    put(out, `SecurityGroup.${i + 1}`, name);
  for (const [i, mapping] of list<unknown>(data.blockDeviceMappingSet).entries()) {
    flatten(out, `BlockDeviceMapping.${i + 1}`, mapping);
  }
  const interfaces = (data.networkInterfaceSet as Record<string, unknown>[] | undefined) ?? [];
  interfaces.forEach((ni, i) => {
    const { groupSet, ...rest } = ni;
    flatten(out, `NetworkInterface.${i + 1}`, rest);
    for (const [j, id] of list<string>(groupSet).entries()) {
      put(out, `NetworkInterface.${i + 1}.SecurityGroupId.${j + 1}`, id);
    }
  });
  const specs =
    (data.tagSpecificationSet as
      | { resourceType: string; tagSet: { key: string; value: string }[] }[]
      | undefined) ?? [];
  specs.forEach((spec, i) => {
    put(out, `TagSpecification.${i + 1}.ResourceType`, spec.resourceType);
    spec.tagSet.forEach((tag, j) => {
      put(out, `TagSpecification.${i + 1}.Tag.${j + 1}.Key`, tag.key);
      put(out, `TagSpecification.${i + 1}.Tag.${j + 1}.Value`, tag.value);
    });
  });
  return out;
}

function topKey(key: string): string {
  return key.split('.')[0]!;
}

export interface LaunchTemplateUse {
  params: Params;
  templateId: string;
  version: number;
}

/** The effective RunInstances parameters, or undefined when no launch template is named. */
export function applyLaunchTemplate(state: RegionState, params: Params): LaunchTemplateUse | undefined {
  const spec = params.child('LaunchTemplate');
  if (!spec) return undefined;
  const template = findTemplate(state, spec);
  const version = findVersion(template, spec.string('Version') ?? '$Default');
  const fromTemplate = dataToPairs(version.data);
  const fromRequest: Pairs = new Map(params.entries());
  const requestTop = new Set([...fromRequest.keys()].map(topKey));
  const merged: Pairs = new Map();
  for (const [key, value] of fromTemplate) {
    const top = topKey(key);
    if (top === 'BlockDeviceMapping' || top === 'TagSpecification') continue;
    if (!requestTop.has(top)) merged.set(key, value);
  }
  for (const [key, value] of fromRequest) {
    const top = topKey(key);
    if (top !== 'BlockDeviceMapping' && top !== 'TagSpecification' && top !== 'LaunchTemplate')
      merged.set(key, value);
  }
  // Block devices: the template's, overridden by the request's for the same device name.
  const devices = new Map<string, Pairs>();
  const tags = new Map<string, Map<string, string>>();
  const collect = (pairs: Pairs) => {
    const deviceGroups = new Map<string, Pairs>();
    const tagGroups = new Map<string, Pairs>();
    for (const [key, value] of pairs) {
      const parts = key.split('.');
      const group =
        parts[0] === 'BlockDeviceMapping'
          ? deviceGroups
          : parts[0] === 'TagSpecification'
            ? tagGroups
            : undefined;
      if (!group || parts.length < 3) continue;
      const index = parts[1]!;
      if (!group.has(index)) group.set(index, new Map());
      group.get(index)!.set(parts.slice(2).join('.'), value);
    }
    for (const entry of deviceGroups.values()) {
      const name = entry.get('DeviceName');
      if (name) devices.set(name, entry);
    }
    for (const entry of tagGroups.values()) {
      const type = entry.get('ResourceType');
      if (!type) continue;
      const target = tags.get(type) ?? new Map<string, string>();
      for (const [k, v] of entry) {
        const match = /^Tag\.(\d+)\.Key$/.exec(k);
        if (match) target.set(v, entry.get(`Tag.${match[1]}.Value`) ?? '');
      }
      tags.set(type, target);
    }
  };
  collect(fromTemplate);
  collect(fromRequest);
  [...devices.values()].forEach((entry, i) => {
    for (const [k, v] of entry) merged.set(`BlockDeviceMapping.${i + 1}.${k}`, v);
  });
  [...tags.entries()].forEach(([type, entries], i) => {
    merged.set(`TagSpecification.${i + 1}.ResourceType`, type);
    [...entries.entries()].forEach(([key, value], j) => {
      merged.set(`TagSpecification.${i + 1}.Tag.${j + 1}.Key`, key);
      merged.set(`TagSpecification.${i + 1}.Tag.${j + 1}.Value`, value);
    });
  });
  return {
    params: parseQuery(new URLSearchParams([...merged]).toString()),
    templateId: template.id,
    version: version.versionNumber,
  };
}
