import type { ErrorCode } from './error-codes';
import { editDistance } from './text/suggest';

/**
 * Instance type names as EC2 writes them: `<class><generation><options>.<size>`, e.g. `m7g.xlarge`
 * (class m, generation 7, options g = Graviton), `c6in.2xlarge` (options in), `t3.micro`.
 * Sizes are ordered by EC2's normalization factor (small = 1, large = 4, xlarge = 8, Nxlarge = 8N).
 */
export interface ParsedInstanceType {
  name: string;
  /** Everything before the dot: `m7g`. */
  family: string;
  /** The letters before the generation: `m`, `c`, `mac`. */
  class: string;
  generation: number;
  /** Processor and capability letters after the generation: `g`, `in`, `gd`, `` for none. */
  options: string;
  size: string;
  /** EC2's normalization factor (nano 0.25 … xlarge 8, 2xlarge 16); `metal` ranks above all. */
  factor: number;
}

const TYPE = /^([a-z]+)(\d+)([a-z0-9-]*)\.([a-z0-9-]+)$/;
const NAMED_SIZES: Record<string, number> = {
  nano: 0.25,
  micro: 0.5,
  small: 1,
  medium: 2,
  large: 4,
  xlarge: 8,
};
const METAL = 1_000_000;

/** The normalization factor of a size, or undefined when it is not a size EC2 uses. */
export function sizeFactor(size: string): number | undefined {
  if (size in NAMED_SIZES) return NAMED_SIZES[size];
  if (size === 'metal') return METAL;
  const multiple = /^(\d+)xlarge$/.exec(size) ?? /^metal-(\d+)xl$/.exec(size);
  if (multiple) {
    const n = Number(multiple[1]);
    return n >= 2 && n <= 512 ? n * 8 : undefined;
  }
  return undefined;
}

export function parseInstanceType(text: string): ParsedInstanceType | undefined {
  const name = text.trim();
  const match = TYPE.exec(name);
  if (!match) return undefined;
  const [, cls, generation, options, size] = match as unknown as [string, string, string, string, string];
  const factor = sizeFactor(size);
  if (factor === undefined) return undefined;
  return {
    name,
    family: `${cls}${generation}${options}`,
    class: cls,
    generation: Number(generation),
    options,
    size,
    factor,
  };
}

/** A family pattern from the config: an exact family (`m7g`) or a glob (`m7*`, `t*`). */
export function familyMatches(pattern: string, family: string): boolean {
  if (!pattern.includes('*')) return pattern === family;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]*');
  return new RegExp(`^${source}$`).test(family);
}

export const FAMILY_PATTERN = /^[a-z*][a-z0-9*-]*$/;

export interface TypeLimit {
  families: string[];
  maxSize: string;
}

export type TypeDecision =
  | { kind: 'ok'; type: ParsedInstanceType }
  | { kind: 'approval'; type: ParsedInstanceType; reason: string }
  | { kind: 'refused'; code: ErrorCode; reason: string; suggestions: string[] };

/**
 * What a role may launch: a type of an allowed family up to its maximum size runs at once; a
 * larger one of a family the role may use goes to approval when a higher role may launch it;
 * anything else is refused, with suggestions the role may launch.
 */
export function evaluateInstanceType(
  text: string,
  role: string,
  limits: Partial<Record<string, TypeLimit>>,
  choices: readonly string[],
): TypeDecision {
  const mine = limits[role];
  const allowedChoices = choices.filter((c) => {
    const parsed = parseInstanceType(c);
    return parsed !== undefined && mine !== undefined && withinLimit(parsed, mine);
  });
  const type = parseInstanceType(text);
  if (!type) {
    return {
      kind: 'refused',
      code: 'launch.type-malformed',
      reason: `\`${text}\` is not an instance type name (family.size, e.g. t3.micro, m7g.xlarge, c6in.2xlarge).`,
      suggestions: suggestTypes(text, allowedChoices),
    };
  }
  if (!mine || mine.families.length === 0) {
    return {
      kind: 'refused',
      code: 'launch.type-not-allowed',
      reason: `The ${role} role may not launch instances.`,
      suggestions: [],
    };
  }
  if (!mine.families.some((f) => familyMatches(f, type.family))) {
    return {
      kind: 'refused',
      code: 'launch.type-not-allowed',
      reason: `The ${type.family} family is not allowed for the ${role} role (allowed: ${mine.families.join(', ')}).`,
      suggestions: suggestTypes(text, allowedChoices),
    };
  }
  if (withinLimit(type, mine)) return { kind: 'ok', type };
  const higher = Object.entries(limits).some(
    ([other, limit]) => other !== role && limit !== undefined && withinLimit(type, limit),
  );
  if (!higher) {
    return {
      kind: 'refused',
      code: 'launch.type-too-large',
      reason: `${type.name} is larger than any role may launch in this stage.`,
      suggestions: suggestTypes(text, allowedChoices),
    };
  }
  return {
    kind: 'approval',
    type,
    reason: `${type.name} is larger than ${mine.maxSize}, the largest size the ${role} role may launch`,
  };
}

export function withinLimit(type: ParsedInstanceType, limit: TypeLimit): boolean {
  const max = sizeFactor(limit.maxSize) ?? 0;
  return type.factor <= max && limit.families.some((f) => familyMatches(f, type.family));
}

/** Up to three choices closest to what was typed (same family first). */
export function suggestTypes(text: string, choices: readonly string[]): string[] {
  const typed = text.toLowerCase();
  const family = typed.split('.')[0] ?? typed;
  return [...choices]
    .map((c) => ({
      c,
      d: editDistance(typed, c) - (c.startsWith(`${family}.`) ? 2 : 0),
    }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 3)
    .map((x) => x.c);
}
