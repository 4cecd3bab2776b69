import type { FunctionName, IamNeed } from '../capability';
import { type Condition, conditionKey, mergeConditions, normalizeCondition } from './conditions';
import { applyGuards, impliedNeeds } from './guards';
import type { Grant, PolicyScope } from './scope';

export type { Grant, LaunchScope, PolicyScope } from './scope';

/**
 * Builds each Lambda function's IAM policy from what its commands and jobs declare. Nothing is
 * listed here by hand: a capability's `iam` is the only place an action is named. This module
 * adds the guard rails EC2 supports (see ./guards) and groups identical grants so a security
 * reviewer reads one statement per purpose.
 */

export const FUNCTION_NAMES: readonly FunctionName[] = [
  'slack',
  'worker',
  'ami-bake',
  'eip-cleanup',
  'port-sweep',
  'instance-reaper',
];

/** Anything that declares IAM needs and names the function it runs in. */
export interface Capability {
  /** `command launch`, `job ami-bake`: shown in errors. */
  label: string;
  runsIn: FunctionName;
  iam: IamNeed[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Condition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface FunctionPolicies {
  policies: Record<FunctionName, PolicyDocument>;
  /** Grants dropped because the stage does not allow them (e.g. no security groups listed). */
  warnings: string[];
}

export function buildFunctionPolicies(
  capabilities: readonly Capability[],
  scope: PolicyScope,
): FunctionPolicies {
  const warnings: string[] = [];
  const policies = {} as Record<FunctionName, PolicyDocument>;
  for (const fn of FUNCTION_NAMES) {
    const mine = capabilities.filter((c) => c.runsIn === fn);
    const needs = mine.flatMap((c) =>
      c.iam.map((need) => ({ need: substitute(need, scope.tagPrefix), from: c.label })),
    );
    const declared = needs.map((n) => n.need);
    const grants: Grant[] = [];
    for (const need of [...declared, ...impliedNeeds(declared)]) {
      grants.push(...applyGuards(need, { ...scope, functionActions: actionsOf(declared) }, warnings, fn));
    }
    policies[fn] = {
      Version: '2012-10-17',
      Statement: group(grants.flatMap((g) => limitRegions(g, regionsOf(scope, fn)))),
    };
  }
  return { policies, warnings: [...new Set(warnings)] };
}

/** Every action a policy document allows, sorted; for tests and summaries. */
export function allowedActions(document: PolicyDocument): string[] {
  return [...new Set(document.Statement.flatMap((s) => s.Action))].sort();
}

function actionsOf(needs: readonly IamNeed[]): Set<string> {
  return new Set(needs.flatMap((n) => n.actions.map((a) => a.toLowerCase())));
}

function substitute(need: IamNeed, tagPrefix: string): IamNeed {
  const sub = (text: string) => text.replaceAll('{tagPrefix}', tagPrefix);
  const condition: Condition = {};
  for (const [operator, entries] of Object.entries(need.condition ?? {})) {
    condition[operator] = {};
    for (const [key, value] of Object.entries(entries)) {
      condition[operator][sub(key)] = Array.isArray(value) ? value.map(sub) : sub(value);
    }
  }
  return {
    actions: [...need.actions],
    resources: (need.resources ?? ['*']).map(sub),
    ...(need.condition ? { condition } : {}),
    why: need.why,
  };
}

function regionsOf(scope: PolicyScope, fn: FunctionName): string[] {
  return [...new Set([...scope.regions, ...(scope.extraRegions?.[fn] ?? [])])];
}

/** Services whose calls are not regional: `aws:RequestedRegion` does not describe where they act. */
const GLOBAL_SERVICES = new Set(['iam', 'sts', 'organizations', 'route53', 'cloudfront']);

/** Regional actions only run in the stage's regions; global ones (iam:PassRole) keep their grant as is. */
function limitRegions(grant: Grant, regions: string[]): Grant[] {
  const isGlobal = (action: string) => GLOBAL_SERVICES.has(action.split(':')[0]!.toLowerCase());
  const global = grant.actions.filter(isGlobal);
  const regional = grant.actions.filter((a) => !isGlobal(a));
  const out: Grant[] = [];
  if (regional.length) {
    out.push({
      ...grant,
      actions: regional,
      condition: mergeConditions(grant.condition, {
        StringEquals: { 'aws:RequestedRegion': [...regions].sort() },
      }),
    });
  }
  if (global.length) out.push({ ...grant, actions: global });
  return out;
}

/** Grants with the same resources and condition become one statement with their actions merged. */
function group(grants: Grant[]): PolicyStatement[] {
  const byKey = new Map<string, { grant: Grant; whys: string[] }>();
  for (const grant of grants) {
    const resources = [...new Set(grant.resources)].sort();
    const key = `${JSON.stringify(resources)}|${conditionKey(grant.condition)}`;
    const found = byKey.get(key);
    if (found) {
      found.grant.actions = [...new Set([...found.grant.actions, ...grant.actions])];
      if (!found.whys.includes(grant.why)) found.whys.push(grant.why);
    } else {
      byKey.set(key, { grant: { ...grant, resources }, whys: [grant.why] });
    }
  }
  const used = new Set<string>();
  return [...byKey.values()].map(({ grant, whys }) => {
    const condition = normalizeCondition(grant.condition);
    return {
      Sid: uniqueSid(whys, used),
      Effect: 'Allow' as const,
      Action: [...grant.actions].sort(),
      Resource: grant.resources,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
  });
}

/** IAM Sids are alphanumeric: the first reason in PascalCase, numbered when repeated. */
function uniqueSid(whys: string[], used: Set<string>): string {
  const words = (whys[0] ?? 'Grant').match(/[A-Za-z0-9]+/g) ?? ['Grant'];
  // Whole words up to 48 characters: long enough to say why, short enough to scan, and every
  // character counts against the role's policy size (a four-region worker policy sits near it).
  let base = '';
  for (const word of words.map((w) => w[0]!.toUpperCase() + w.slice(1))) {
    if (base && base.length + word.length > 48) break;
    base += word;
  }
  let sid = base;
  for (let n = 2; used.has(sid); n += 1) sid = `${base}${n}`;
  used.add(sid);
  return sid;
}
