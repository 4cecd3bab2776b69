import { BlockList, isIP } from 'node:net';
import { type ContextLookup, substituteVariables } from './context';
import { IamPolicyError, list, type OneOrMany } from './policy';
import { arnMatches, wildcardMatch } from './wildcard';

/**
 * IAM's condition operators. Each base operator is a positive test of one request value against
 * one policy value; `Not` operators are its negation, IfExists / Null / ForAllValues /
 * ForAnyValue are handled once, around it, in `conditionHolds`:
 *
 * - operators AND, keys under an operator AND, a key's policy values OR (NOR when negated);
 * - an absent key fails a positive operator and passes a negated one, `…IfExists` passes;
 * - `ForAllValues:` holds when every request value passes (also when there are none),
 *   `ForAnyValue:` when at least one does (never when there are none).
 */
type Test = (requestValue: string, policyValue: string) => boolean;

interface BaseOperator {
  test: Test;
  negated: boolean;
  /** String and ARN operators accept policy variables in their values; Like and ARN ones are patterns. */
  variables: 'none' | 'text' | 'pattern';
}

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const date = (text: string) => {
  const t = text.trim();
  return /^-?[0-9]+$/.test(t) ? Number(t) * 1000 : Date.parse(t);
};
const compare =
  (parse: (t: string) => number, ok: (a: number, b: number) => boolean): Test =>
  (requestValue, policyValue) => {
    const a = parse(requestValue);
    const b = parse(policyValue);
    return !Number.isNaN(a) && !Number.isNaN(b) && ok(a, b);
  };

function inCidr(address: string, cidr: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const [network, bitsText] = cidr.trim().split('/');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (!network || isIP(network) !== family) return false;
  const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
  const block = new BlockList();
  block.addSubnet(network, bits, type);
  return block.check(address, type);
}

const eq = (a: string, b: string) => a === b;
const BASE: Record<string, BaseOperator> = {};
function define(name: string, test: Test, variables: BaseOperator['variables'], negatedName?: string): void {
  BASE[name.toLowerCase()] = { test, negated: false, variables };
  if (negatedName) BASE[negatedName.toLowerCase()] = { test, negated: true, variables };
}
define('StringEquals', eq, 'text', 'StringNotEquals');
define(
  'StringEqualsIgnoreCase',
  (a, b) => a.toLowerCase() === b.toLowerCase(),
  'text',
  'StringNotEqualsIgnoreCase',
);
define('StringLike', (a, b) => wildcardMatch(b, a), 'pattern', 'StringNotLike');
define('ArnEquals', (a, b) => arnMatches(b, a), 'pattern', 'ArnNotEquals');
define('ArnLike', (a, b) => arnMatches(b, a), 'pattern', 'ArnNotLike');
define(
  'NumericEquals',
  compare(num, (a, b) => a === b),
  'none',
  'NumericNotEquals',
);
define(
  'NumericLessThan',
  compare(num, (a, b) => a < b),
  'none',
);
define(
  'NumericLessThanEquals',
  compare(num, (a, b) => a <= b),
  'none',
);
define(
  'NumericGreaterThan',
  compare(num, (a, b) => a > b),
  'none',
);
define(
  'NumericGreaterThanEquals',
  compare(num, (a, b) => a >= b),
  'none',
);
define(
  'DateEquals',
  compare(date, (a, b) => a === b),
  'none',
  'DateNotEquals',
);
define(
  'DateLessThan',
  compare(date, (a, b) => a < b),
  'none',
);
define(
  'DateLessThanEquals',
  compare(date, (a, b) => a <= b),
  'none',
);
define(
  'DateGreaterThan',
  compare(date, (a, b) => a > b),
  'none',
);
define(
  'DateGreaterThanEquals',
  compare(date, (a, b) => a >= b),
  'none',
);
define('Bool', (a, b) => a.toLowerCase() === b.toLowerCase(), 'none');
define('BinaryEquals', eq, 'none');
define('IpAddress', (a, b) => inCidr(a, b), 'none', 'NotIpAddress');

interface ParsedOperator {
  base: BaseOperator | 'null';
  ifExists: boolean;
  set?: 'all' | 'any';
}

function parseOperator(name: string): ParsedOperator {
  let rest = name;
  let set: ParsedOperator['set'];
  const qualifier = /^(ForAllValues|ForAnyValue):/i.exec(rest);
  if (qualifier) {
    set = qualifier[1]!.toLowerCase() === 'forallvalues' ? 'all' : 'any';
    rest = rest.slice(qualifier[0].length);
  }
  if (rest.toLowerCase() === 'null') return { base: 'null', ifExists: false, set };
  const ifExists = /IfExists$/i.test(rest);
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const base = BASE[rest.toLowerCase()];
  if (!base) throw new IamPolicyError(`unknown condition operator ${name}`);
  return { base, ifExists, set };
}

const asText = (value: string | number | boolean) => String(value);

/** Every operator of a statement's Condition block holds for this request. */
export function conditionHolds(
  condition: Record<string, Record<string, OneOrMany<string | number | boolean>>> | undefined,
  context: ContextLookup,
): boolean {
  for (const [operatorName, entries] of Object.entries(condition ?? {})) {
    const operator = parseOperator(operatorName);
    for (const [key, rawValues] of Object.entries(entries)) {
      if (!keyHolds(operator, context.get(key), list(rawValues).map(asText), context)) return false;
    }
  }
  return true;
}

function keyHolds(
  operator: ParsedOperator,
  requestValue: string | readonly string[] | undefined,
  policyValues: string[],
  context: ContextLookup,
): boolean {
  const requestValues =
    requestValue === undefined ? [] : typeof requestValue === 'string' ? [requestValue] : requestValue;
  if (operator.base === 'null') {
    // Null: "true" means the key is absent (an empty list counts as absent), "false" present.
    const absent = requestValues.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const { test, negated, variables } = operator.base;
  const resolved =
    variables === 'none'
      ? policyValues
      : policyValues.flatMap((v) => substituteVariables(v, context, variables === 'pattern') ?? []);
  // One request value against the policy's values: OR for positive operators, NOR for negated.
  const one = (value: string) => resolved.some((p) => test(value, p)) !== negated;
  if (operator.set === 'all') return requestValues.every(one);
  if (operator.set === 'any') return requestValues.some(one);
  if (requestValues.length === 0) return operator.ifExists || negated;
  // Without a set operator a multivalued key matches when any value does (negated: when none does).
  return negated ? requestValues.every(one) : requestValues.some(one);
}
