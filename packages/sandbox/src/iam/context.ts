import { LITERAL_QUESTION, LITERAL_STAR } from './wildcard';

/**
 * What the request carries: its context keys. A key is single-valued (a string) or multivalued
 * (a list, e.g. `aws:TagKeys`); a key that is absent is simply not there. Key names compare
 * without regard to case, as IAM's do; tag keys inside them keep their case for the value.
 */
export type ContextValue = string | readonly string[];
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

export class ContextLookup {
  private readonly byLowerKey = new Map<string, ContextValue>();

  constructor(context: RequestContext) {
    for (const [key, value] of Object.entries(context)) {
      if (value !== undefined) this.byLowerKey.set(key.toLowerCase(), value);
    }
  }

  get(key: string): ContextValue | undefined {
    return this.byLowerKey.get(key.toLowerCase());
  }
}

const VARIABLE = /\$\{([^}]*)\}/g;
const ESCAPES = new Set(['*', '?', '$']);
/** Inside a wildcard pattern, what a variable brings in is literal text, never a wildcard. */
const asLiteral = (text: string) => text.replaceAll('*', LITERAL_STAR).replaceAll('?', LITERAL_QUESTION);

/**
 * Replaces `${aws:username}` (or `${key, 'default'}`) with the request's value. `${*}`, `${?}`
 * and `${$}` are the literal characters. Returns undefined when a variable names an absent or
 * multivalued key and has no default: IAM then treats the element as not matching.
 */
export function substituteVariables(
  text: string,
  context: ContextLookup,
  inPattern = false,
): string | undefined {
  if (!text.includes('${')) return text;
  const keep = inPattern ? asLiteral : (t: string) => t;
  let missing = false;
  const out = text.replace(VARIABLE, (_whole, inner: string) => {
    if (ESCAPES.has(inner.trim())) return keep(inner.trim());
    const [rawKey, ...rest] = inner.split(',');
    const fallback = /^\s*'(.*)'\s*$/s.exec(rest.join(','))?.[1];
    const value = context.get(rawKey!.trim());
    if (typeof value === 'string') return keep(value);
    if (fallback !== undefined) return keep(fallback);
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}
