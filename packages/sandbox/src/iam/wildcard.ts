/**
 * IAM's two wildcards: `*` (any run of characters, also none) and `?` (exactly one). Everything
 * else is literal, so the pattern is escaped before it becomes a regular expression.
 * `LITERAL_STAR` / `LITERAL_QUESTION` stand for the characters themselves: what `${*}`, `${?}` and
 * a policy variable's value become inside a pattern (see ./context).
 */
export const LITERAL_STAR = '\uE000';
export const LITERAL_QUESTION = '\uE001';

const cache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = cache.get(cacheKey);
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : literal(c).replace(/[\\^$.|+()[\]{}*?]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, regex);
  }
  return regex.test(value);
}

const literal = (c: string) => (c === LITERAL_STAR ? '*' : c === LITERAL_QUESTION ? '?' : c);

/** Actions are `service:Name`, compared without regard to case (`ec2:runinstances` is the same). */
export const actionMatches = (pattern: string, action: string): boolean =>
  wildcardMatch(pattern, action, true);

/**
 * ARNs are compared segment by segment (`arn:partition:service:region:account:resource`), so a
 * `*` in the region cannot swallow the account; the resource part keeps its own colons. A
 * pattern with fewer segments (`arn:aws:ec2:*`) lets its last wildcard run to the end. Resource
 * ARNs are case-sensitive.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (arnParts.length < 6) return wildcardMatch(pattern, arn);
  const last = patternParts.length - 1;
  return patternParts.every((part, i) =>
    wildcardMatch(part, i === last ? arnParts.slice(i).join(':') : arnParts[i]!),
  );
}

function splitArn(arn: string): string[] {
  const parts = arn.split(':');
  return parts.length <= 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
}
