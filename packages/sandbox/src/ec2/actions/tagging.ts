import { Ec2ApiError, missingParameter } from '../errors';
import { applyFilters, readFilters } from '../filters';
import { assertWellFormed, kindOfId, notFound } from '../ids';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import { allCollections, type BaseRecord, type RegionState, type Tag } from '../store';
import { mergeTags, readTags, validateTag } from '../tags';

/**
 * CreateTags, DeleteTags, DescribeTags across every taggable collection (any collection declared
 * with an id kind whose records carry `tags`), so new areas get tagging for free.
 */
function resolveResources(state: RegionState, ids: string[]): BaseRecord[] {
  if (ids.length === 0) throw missingParameter('ResourceId');
  const records: BaseRecord[] = [];
  for (const id of ids) {
    const kind = kindOfId(id);
    if (!kind) throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
    assertWellFormed(kind, [id]);
    const found = state.findById(id);
    if (!found || !Array.isArray(found.record.tags)) throw notFound(kind, [id]);
    records.push(found.record);
  }
  return records;
}

writeAction('CreateTags', ({ params, state, gate }) => {
  const ids = params.strings('ResourceId');
  const tags = readTags(params);
  if (tags.length === 0) throw missingParameter('Tag');
  const records = resolveResources(state, [...new Set(ids)]);
  const merged = records.map((record) => mergeTags(record.tags ?? [], tags));
  gate();
  records.forEach((record, index) => {
    record.tags = merged[index];
  });
  return { return: true };
});

writeAction('DeleteTags', ({ params, state, gate }) => {
  const ids = params.strings('ResourceId');
  // A tag with no Value removes the key whatever its value; with a Value (even ''), only a match.
  // No Tag at all removes every tag but the system ones (`aws:…`), which users cannot remove.
  const selectors = params.list('Tag').map((item) => {
    const key = item.requiredString('Key');
    const value = item.string('Value');
    validateTag({ key, value: value ?? '' });
    return { key, value };
  });
  const records = resolveResources(state, [...new Set(ids)]);
  gate();
  for (const record of records) {
    record.tags =
      selectors.length === 0
        ? (record.tags ?? []).filter((tag) => tag.key.startsWith('aws:'))
        : (record.tags ?? []).filter(
            (tag) =>
              !selectors.some((s) => s.key === tag.key && (s.value === undefined || s.value === tag.value)),
          );
  }
  return { return: true };
});

interface TagRow extends BaseRecord {
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
}

readAction('DescribeTags', ({ params, state, action }) => {
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const rows: TagRow[] = [];
  for (const collection of allCollections()) {
    if (!collection.kind) continue;
    for (const record of collection.in(state).values()) {
      for (const tag of (record.tags ?? []) as Tag[]) {
        rows.push({
          // unique per row, so that a page token can name the row it resumes at
          id: `${record.id}\u0000${tag.key}`,
          resourceId: record.id,
          resourceType: collection.kind.resourceType,
          key: tag.key,
          value: tag.value,
        });
      }
    }
  }
  const kept = applyFilters(
    rows,
    filters,
    {
      key: (r) => r.key,
      value: (r) => r.value,
      'resource-id': (r) => r.resourceId,
      'resource-type': (r) => r.resourceType,
    },
    { tags: false },
  );
  const result = paginate(kept, page, action);
  return {
    tagSet: result.items.map((r) => ({
      resourceId: r.resourceId,
      resourceType: r.resourceType,
      key: r.key,
      value: r.value,
    })),
    nextToken: result.nextToken,
  };
});
