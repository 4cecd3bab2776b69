import type { EC2Client } from '@aws-sdk/client-ec2';
import { accessTagKeys, expiresAtMs, isManaged } from '@ec2ops/core/access';
import { parseExpiryEvent } from '@ec2ops/core/ops';
import { describeRule } from '../ec2/security-group-rules';
import type { Logger } from '../telemetry/log';
import { revokeRules } from '../worker/executors/close';

export interface ExpireDeps {
  tagPrefix: string;
  ec2: (region: string) => EC2Client;
  now: () => Date;
  log: Logger;
}

/** What one schedule firing did; logged and returned (the sandbox shows it). */
export type ExpireOutcome =
  | { outcome: 'closed'; ruleId: string }
  | { outcome: 'gone'; ruleId: string }
  | { outcome: 'not-yet'; ruleId: string; expiresAt: string | undefined }
  | { outcome: 'not-managed'; ruleId: string }
  | { outcome: 'ignored' };

/**
 * The target of an expiry schedule. Everything is re-read from the rule's tags, never taken from
 * the event: a rule extended after this schedule was made is left open, a rule ec2ops does not
 * manage is never touched, and a rule already closed (by its owner, or the sweeper) is done.
 * Firing twice changes nothing the second time.
 */
export async function expire(deps: ExpireDeps, raw: unknown): Promise<ExpireOutcome> {
  const event = parseExpiryEvent(raw);
  if (!event) {
    deps.log.warn({ event: raw }, 'expiry event not understood: nothing done');
    return { outcome: 'ignored' };
  }
  const { ruleId, groupId, region } = event.target;
  const keys = accessTagKeys(deps.tagPrefix);
  const client = deps.ec2(region);
  const rule = await describeRule(client, ruleId);
  let result: ExpireOutcome;
  if (!rule) {
    result = { outcome: 'gone', ruleId };
  } else if (!isManaged(rule, keys)) {
    result = { outcome: 'not-managed', ruleId };
  } else {
    const current = expiresAtMs(rule, keys);
    if (current !== undefined && current > deps.now().getTime()) {
      result = { outcome: 'not-yet', ruleId, expiresAt: new Date(current).toISOString() };
    } else {
      const revoked = await revokeRules(client, rule.groupId || groupId, [ruleId]);
      result = { outcome: revoked, ruleId };
    }
  }
  deps.log.info({ ...result, region, scheduledFor: event.expiresAt }, 'expiry schedule fired');
  return result;
}
