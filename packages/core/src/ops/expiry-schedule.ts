/**
 * The second enforcement of an expiry: one EventBridge Scheduler one-time schedule per temporary
 * rule, firing at the expiry. The sweepers stay as the backstop; this only decides
 * names, the `at(...)` expression and the payload the expiry function receives.
 */

/**
 * What a schedule acts on: a temporary security-group rule, or a managed instance with a TTL.
 * The region is carried because the expiry function serves all of the stage's regions.
 */
export type ExpiryTarget =
  | { kind: 'rule'; ruleId: string; groupId: string; region: string }
  | { kind: 'instance'; instanceId: string; region: string };

/** The EC2 id the schedule is about (a rule's or an instance's). */
export function expiryResourceId(target: ExpiryTarget): string {
  return target.kind === 'rule' ? target.ruleId : target.instanceId;
}

/** The schedule's Target.Input, parsed back by the expiry function. */
export interface ExpiryEvent {
  v: 1;
  target: ExpiryTarget;
  /** ISO-8601 UTC: the expiry this schedule was set for (a later tag means it was extended). */
  expiresAt: string;
}

/**
 * One name per resource, so a redelivered open finds the schedule it made and an extend moves it.
 * Scheduler names allow `[0-9a-zA-Z-_.]{1,64}`; EC2 ids are well inside that.
 */
export function expiryScheduleName(target: ExpiryTarget): string {
  return `expire-${expiryResourceId(target)}`;
}

/**
 * `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the next whole second: a schedule that fires a
 * little after the expiry finds the rule expired; one that fired a little before would not.
 */
export function atExpression(expiresAtMs: number): string {
  const seconds = Math.ceil(expiresAtMs / 1000) * 1000;
  return `at(${new Date(seconds).toISOString().slice(0, 19)})`;
}

/** The instant of an `at(...)` expression read as UTC; undefined for any other expression. */
export function atInstant(expression: string): number | undefined {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function expiryEvent(target: ExpiryTarget, expiresAtMs: number): ExpiryEvent {
  return { v: 1, target, expiresAt: new Date(expiresAtMs).toISOString() };
}

const ID = /^[a-z]+-[0-9a-f]{8,17}$/;

/** Reads an event back; undefined when it is not one of ours (then the function does nothing). */
export function parseExpiryEvent(raw: unknown): ExpiryEvent | undefined {
  const value = typeof raw === 'string' ? safeJson(raw) : raw;
  if (!value || typeof value !== 'object') return undefined;
  const e = value as { v?: unknown; target?: Record<string, unknown>; expiresAt?: unknown };
  const t = e.target;
  if (e.v !== 1 || !t || typeof e.expiresAt !== 'string' || typeof t['region'] !== 'string') return undefined;
  const region = t['region'];
  if (t['kind'] === 'rule' && isId(t['ruleId']) && isId(t['groupId'])) {
    return {
      v: 1,
      expiresAt: e.expiresAt,
      target: { kind: 'rule', ruleId: t['ruleId'], groupId: t['groupId'], region },
    };
  }
  if (t['kind'] === 'instance' && isId(t['instanceId'])) {
    return {
      v: 1,
      expiresAt: e.expiresAt,
      target: { kind: 'instance', instanceId: t['instanceId'], region },
    };
  }
  return undefined;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
