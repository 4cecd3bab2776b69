import { Ec2ApiError, invalidParameterValue } from './errors';
import type { Params } from './query';
import type { BaseRecord } from './store';

/**
 * EC2 filters: `Filter.N.Name` with `Filter.N.Value.M`. Values of one filter are alternatives
 * (OR), filters combine with AND, values may use `*` (any run) and `?` (one character), `\`
 * escapes them. `tag:<key>`, `tag-key` and `tag-value` work on every taggable record.
 */
export interface Filter {
  name: string;
  values: string[];
}

type Scalar = string | number | boolean | null | undefined;
export type FilterValue = Scalar | Scalar[];
/** For each filter name an action supports, the record's value(s) it matches against. */
export type FilterFields<T> = Record<string, (record: T) => FilterValue>;

export function readFilters(params: Params, key = 'Filter'): Filter[] {
  return params.list(key).map((item) => {
    const name = item.requiredString('Name');
    return { name, values: item.strings('Value') };
  });
}

const patternCache = new Map<string, RegExp>();

export function wildcardToRegExp(pattern: string): RegExp {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += escapeRegExp(pattern[i]!);
    } else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  const regexp = new RegExp(`^${source}$`, 'u');
  if (patternCache.size > 5_000) patternCache.clear();
  patternCache.set(pattern, regexp);
  return regexp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matchesWildcard(value: string, pattern: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?') && !pattern.includes('\\')) return value === pattern;
  return wildcardToRegExp(pattern).test(value);
}

function toStrings(value: FilterValue): string[] {
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) if (item !== undefined && item !== null) out.push(String(item));
  return out;
}

function tagMatcher(name: string): ((record: BaseRecord) => string[]) | undefined {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (record) => (record.tags ?? []).filter((t) => t.key === key).map((t) => t.value);
  }
  if (name === 'tag-key') return (record) => (record.tags ?? []).map((t) => t.key);
  if (name === 'tag-value') return (record) => (record.tags ?? []).map((t) => t.value);
  return undefined;
}

/** Validates the filter names, then keeps the records that match every filter. */
export function applyFilters<T extends BaseRecord>(
  records: Iterable<T>,
  filters: Filter[],
  fields: FilterFields<T>,
  options: { tags?: boolean } = {},
): T[] {
  const allowTags = options.tags ?? true;
  const matchers = filters.map((filter) => {
    const field = Object.hasOwn(fields, filter.name) ? fields[filter.name] : undefined;
    const tag = allowTags ? tagMatcher(filter.name) : undefined;
    if (!field && !tag) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
    if (filter.values.length === 0) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `The filter '${filter.name}' requires at least one value`,
      );
    }
    const get = field ? (record: T) => toStrings(field(record)) : (tag as (record: BaseRecord) => string[]);
    return { get, patterns: filter.values };
  });
  const out: T[] = [];
  for (const record of records) {
    let keep = true;
    for (const matcher of matchers) {
      const values = matcher.get(record);
      if (!values.some((value) => matcher.patterns.some((pattern) => matchesWildcard(value, pattern)))) {
        keep = false;
        break;
      }
    }
    if (keep) out.push(record);
  }
  return out;
}
