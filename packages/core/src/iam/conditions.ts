/** IAM's JSON condition block: operator → context key → value(s). */
export type Condition = Record<string, Record<string, string | string[]>>;

function values(value: string | string[]): string[] {
  return [...new Set(Array.isArray(value) ? value : [value])].sort();
}

/**
 * Both conditions must hold. IAM allows a key once per operator, so equal keys are combined:
 * positive operators keep the values both accept (intersection), negated ones (`…Not…`) refuse
 * what either refuses (union). An empty intersection is a contradiction in the declarations and
 * is reported rather than turned into a grant that can never match.
 */
export function mergeConditions(a: Condition, b: Condition): Condition {
  const merged: Condition = {};
  for (const source of [a, b]) {
    for (const [operator, entries] of Object.entries(source)) {
      const target = merged[operator] ?? {};
      merged[operator] = target;
      for (const [key, value] of Object.entries(entries)) {
        const existing = target[key];
        if (existing === undefined) {
          target[key] = values(value);
          continue;
        }
        const left = values(existing);
        const right = values(value);
        if (/Not/.test(operator)) {
          target[key] = [...new Set([...left, ...right])].sort();
        } else {
          const both = left.filter((v) => right.includes(v));
          if (both.length === 0) {
            throw new Error(
              `IAM conditions contradict: ${operator} ${key} cannot be both ${left.join('|')} and ${right.join('|')}`,
            );
          }
          target[key] = both;
        }
      }
    }
  }
  return merged;
}

/** Sorted operators, keys and values; one value is written as a plain string. */
export function normalizeCondition(condition: Condition): Condition {
  const out: Condition = {};
  for (const operator of Object.keys(condition).sort()) {
    const entries = condition[operator]!;
    const keys = Object.keys(entries).sort();
    if (keys.length === 0) continue;
    out[operator] = {};
    for (const key of keys) {
      const list = values(entries[key]!);
      out[operator][key] = list.length === 1 ? list[0]! : list;
    }
  }
  return out;
}

/** A canonical string: equal conditions, written in any order, give the same key. */
export function conditionKey(condition: Condition): string {
  return JSON.stringify(normalizeCondition(condition));
}

/** Values of `key` under `operator`, or undefined when the condition does not test it. */
export function conditionValues(condition: Condition, operator: string, key: string): string[] | undefined {
  const value = condition[operator]?.[key];
  return value === undefined ? undefined : values(value);
}
