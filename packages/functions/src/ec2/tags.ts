import type { Tag } from '@aws-sdk/client-ec2';

/** EC2's `[{Key, Value}]` as a plain map (a tag with no value reads as ''); what core's planners take. */
export function tagsOf(list: readonly Tag[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/** A plain map back into EC2's `[{Key, Value}]` (CreateTags, TagSpecifications). */
export function toTagList(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
