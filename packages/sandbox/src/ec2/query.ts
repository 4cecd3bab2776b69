import { Ec2ApiError, invalidValueFor, missingParameter } from './errors';

/**
 * EC2's query protocol flattens structures into dotted names: `Filter.1.Name`,
 * `Filter.1.Value.2`, `TagSpecification.1.Tag.1.Key`, `InstanceId.3`. We rebuild the tree once
 * per request and read it through `Params`, whose readers raise EC2's own errors.
 */
class QueryNode {
  value: string | undefined;
  readonly children = new Map<string, QueryNode>();
}

export const MAX_QUERY_PARAMETERS = 20_000;
const MAX_DEPTH = 12;

export function parseQuery(body: string): Params {
  const root = new QueryNode();
  const search = new URLSearchParams(body);
  let count = 0;
  for (const [key, value] of search) {
    count += 1;
    if (count > MAX_QUERY_PARAMETERS) {
      throw new Ec2ApiError('InvalidParameterValue', 'The request has too many parameters.');
    }
    const segments = key.split('.');
    if (segments.length > MAX_DEPTH || segments.some((s) => s === '')) {
      throw new Ec2ApiError('InvalidParameterValue', `The parameter name ${truncate(key)} is not valid.`);
    }
    let node = root;
    for (const segment of segments) {
      let next = node.children.get(segment);
      if (!next) {
        next = new QueryNode();
        node.children.set(segment, next);
      }
      node = next;
    }
    node.value = value;
  }
  return new Params(root, '');
}

function truncate(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const INDEX = /^[1-9][0-9]{0,5}$/;
const INTEGER = /^-?[0-9]{1,15}$/;

export class Params {
  constructor(
    private readonly node: QueryNode,
    /** The dotted name of this node, for error messages (`Filter.2`). */
    readonly path: string,
  ) {}

  private name(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.node.children.has(key);
  }

  /** Top-level parameter names, e.g. to detect a parameter that an action does not know. */
  keys(): string[] {
    return [...this.node.children.keys()];
  }

  child(key: string): Params | undefined {
    const node = this.node.children.get(key);
    return node ? new Params(node, this.name(key)) : undefined;
  }

  string(key: string): string | undefined {
    return this.node.children.get(key)?.value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw missingParameter(this.name(key));
    return value;
  }

  integer(key: string, range: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!INTEGER.test(raw.trim())) throw invalidValueFor(this.name(key), raw, "Expected: 'Integer'.");
    const value = Number.parseInt(raw, 10);
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      throw invalidValueFor(
        this.name(key),
        raw,
        `Expected a value between ${range.min ?? '-∞'} and ${range.max ?? '∞'}.`,
      );
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalidValueFor(this.name(key), raw, "Expected: 'Boolean'.");
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw invalidValueFor(this.name(key), raw, `Expected one of: ${allowed.join(', ')}.`);
    }
    return raw as T;
  }

  /** The members of a flattened list `Key.1`, `Key.2`, … in index order. */
  list(key: string): Params[] {
    const node = this.node.children.get(key);
    if (!node) return [];
    const entries: [number, QueryNode][] = [];
    for (const [segment, child] of node.children) {
      if (!INDEX.test(segment)) {
        throw new Ec2ApiError(
          'InvalidParameterValue',
          `The parameter name ${this.name(key)}.${truncate(segment)} is not valid.`,
        );
      }
      entries.push([Number(segment), child]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    return entries.map(([index, child]) => new Params(child, `${this.name(key)}.${index}`));
  }

  /** A flattened list of strings `Key.1=a&Key.2=b`. */
  strings(key: string): string[] {
    return this.list(key).map((item) => {
      const value = item.node.value;
      if (value === undefined) throw missingParameter(item.path);
      return value;
    });
  }

  /**
   * A canonical text of the parameters below this node, without the named top-level keys: two
   * requests with the same meaning give the same text (for ClientToken idempotency).
   */
  canonical(exclude: readonly string[] = []): string {
    const lines: string[] = [];
    const walk = (node: QueryNode, prefix: string): void => {
      if (node.value !== undefined) lines.push(`${prefix}=${node.value}`);
      for (const [key, child] of node.children) {
        if (!prefix && exclude.includes(key)) continue;
        walk(child, prefix ? `${prefix}.${key}` : key);
      }
    };
    walk(this.node, '');
    return lines.sort().join('\n');
  }

  /** Every parameter below this node as `[dotted name, value]`, in request order. */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    const walk = (node: QueryNode, prefix: string): void => {
      if (node.value !== undefined && prefix) out.push([prefix, node.value]);
      for (const [key, child] of node.children) walk(child, prefix ? `${prefix}.${key}` : key);
    };
    walk(this.node, '');
    return out;
  }

  /** The node's own value (for members of `strings`-like lists read through `list`). */
  get value(): string | undefined {
    return this.node.value;
  }
}
