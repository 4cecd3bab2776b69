import { Ec2ApiError, invalidParameterValue } from './errors';
import type { Params } from './query';
import type { Tag } from './store';
import type { XmlObject } from './xml';

/** Tag rules shared by CreateTags and every `TagSpecification` parameter. */
export const MAX_TAGS_PER_RESOURCE = 50;

export function validateTag(tag: Tag): void {
  if (tag.key.length === 0 || tag.key.length > 128) {
    throw invalidParameterValue(`Tag key must be between 1 and 128 characters: '${tag.key}'`);
  }
  if (tag.value.length > 256)
    throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
  if (tag.key.toLowerCase().startsWith('aws:')) {
    throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
  }
}

/** `Tag.N.Key` / `Tag.N.Value` as in CreateTags and TagSpecification. */
export function readTags(params: Params, key = 'Tag'): Tag[] {
  return params.list(key).map((item) => {
    const tag = { key: item.requiredString('Key'), value: item.string('Value') ?? '' };
    validateTag(tag);
    return tag;
  });
}

/**
 * `TagSpecification.N.ResourceType` + `.Tag.M.*`, grouped by resource type; a type the action
 * cannot tag is refused, as EC2 does.
 */
export function readTagSpecifications(params: Params, allowed: readonly string[]): Map<string, Tag[]> {
  const out = new Map<string, Tag[]>();
  for (const spec of params.list('TagSpecification')) {
    const type = spec.requiredString('ResourceType');
    if (!allowed.includes(type)) {
      throw invalidParameterValue(`'${type}' is not a valid taggable resource type for this operation.`);
    }
    const tags = readTags(spec);
    out.set(type, mergeTags(out.get(type) ?? [], tags));
  }
  return out;
}

/** Upserts `added` into `existing` (same key → new value), keeping EC2's limit. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = existing.map((t) => ({ ...t }));
  for (const tag of added) {
    const found = merged.find((t) => t.key === tag.key);
    if (found) found.value = tag.value;
    else merged.push({ ...tag });
  }
  if (merged.length > MAX_TAGS_PER_RESOURCE) {
    throw new Ec2ApiError(
      'TagLimitExceeded',
      `The maximum number of tags (${MAX_TAGS_PER_RESOURCE}) was exceeded`,
    );
  }
  return merged;
}

export function tagSet(tags: Tag[] | undefined): XmlObject[] | undefined {
  if (!tags || tags.length === 0) return undefined;
  return tags.map((t) => ({ key: t.key, value: t.value }));
}
