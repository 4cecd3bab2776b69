import { CreateTagsCommand, DeleteTagsCommand, type EC2Client, type Tag } from '@aws-sdk/client-ec2';

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

/** Sets tags on resources; setting a tag to the value it has changes nothing, so a retry is safe. */
export async function tagResources(
  client: EC2Client,
  ids: readonly string[],
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await client.send(new CreateTagsCommand({ Resources: [...ids], Tags: toTagList(tags) }));
}

/** Removes tags by key, whatever their value; removing an absent tag is not an error. */
export async function untagResources(
  client: EC2Client,
  ids: readonly string[],
  keys: readonly string[],
): Promise<void> {
  await client.send(new DeleteTagsCommand({ Resources: [...ids], Tags: keys.map((Key) => ({ Key })) }));
}
