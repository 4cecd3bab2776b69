import { accessTagKeys, expiresAtMs, isManaged, ruleClosedNotice, ruleLabel } from '@ec2ops/core/access';
import { instanceLabel, instanceReapedNotice } from '@ec2ops/core/instances';
import { decideInstance, type ReaperPolicy } from '@ec2ops/core/jobs';
import { type ExpiryTarget, expiryResourceId, parseExpiryEvent } from '@ec2ops/core/ops';
import { SLACK_USER_ID } from '@ec2ops/core/slack';
import { parseInstant } from '@ec2ops/core/time';
import type { EC2Client } from '../ec2/client';
import { awsErrorCode } from '../ec2/errors';
import { changeInstanceState } from '../ec2/instance-batches';
import { describeInstanceViews } from '../ec2/instances';
import { describeRule, revokeRules } from '../ec2/security-group-rules';
import type { Notifier } from '../jobs/types';
import type { Logger } from '../telemetry/log';

export interface ExpireDeps {
  tagPrefix: string;
  ec2: (region: string) => EC2Client;
  now: () => Date;
  log: Logger;
  /** Tells the owner it closed or was reaped (as the sweepers do); without one, only logged. */
  notifier?: Notifier | undefined;
  /** The instance-reaper's rule (stop or terminate, the tag keys): an instance TTL is acted on as it would. */
  reaper?: ReaperPolicy | undefined;
}

/** What one schedule firing did; logged and returned (the sandbox shows it). */
export type ExpireOutcome =
  | { outcome: 'closed'; ruleId: string; told: string }
  | { outcome: 'gone'; ruleId: string }
  | { outcome: 'not-yet'; ruleId: string; expiresAt: string | undefined }
  | { outcome: 'not-managed'; ruleId: string }
  | { outcome: 'stop' | 'terminate'; instanceId: string; told: string }
  | { outcome: 'gone'; instanceId: string }
  | { outcome: 'not-yet'; instanceId: string; expiresAt: string | undefined }
  | { outcome: 'left'; instanceId: string; reason: string }
  | { outcome: 'ignored' };

/**
 * The target of an expiry schedule. Everything is re-read from the resource's tags, never taken
 * from the event: a rule or instance extended after this schedule was made is left alone, what
 * ec2ops does not manage (or is kept) is never touched, and what is already closed or stopped is
 * done. Firing twice changes nothing the second time.
 */
export async function expire(deps: ExpireDeps, raw: unknown): Promise<ExpireOutcome> {
  const event = parseExpiryEvent(raw);
  if (!event) {
    deps.log.warn({ event: raw }, 'expiry event not understood: nothing done');
    return { outcome: 'ignored' };
  }
  const target = event.target;
  const result =
    target.kind === 'rule'
      ? await expireRule(deps, target, event.expiresAt)
      : await expireInstance(deps, target);
  deps.log.info(
    { ...result, resource: expiryResourceId(target), region: target.region, scheduledFor: event.expiresAt },
    'expiry schedule fired',
  );
  return result;
}

async function expireRule(
  deps: ExpireDeps,
  { ruleId, groupId, region }: Extract<ExpiryTarget, { kind: 'rule' }>,
  scheduledFor: string,
): Promise<ExpireOutcome> {
  const keys = accessTagKeys(deps.tagPrefix);
  const client = deps.ec2(region);
  const rule = await describeRule(client, ruleId);
  if (!rule) return { outcome: 'gone', ruleId };
  if (!isManaged(rule, keys)) return { outcome: 'not-managed', ruleId };
  const current = expiresAtMs(rule, keys);
  if (current !== undefined && current > deps.now().getTime()) {
    return { outcome: 'not-yet', ruleId, expiresAt: new Date(current).toISOString() };
  }
  const groupOf = rule.groupId || groupId;
  const revoked = await revokeRules(client, groupOf, [ruleId]);
  if (revoked !== 'closed') return { outcome: revoked, ruleId };
  const notice = ruleClosedNotice(
    `${ruleLabel(rule)} on ${groupOf}`,
    region,
    current ?? Date.parse(scheduledFor),
  );
  return { outcome: 'closed', ruleId, told: await tellOwner(deps, rule.tags[keys.owner], notice) };
}

/**
 * Acts as the instance-reaper would on this one instance now (decideInstance): stop or terminate
 * if it is managed, not kept, past its TTL and still in a state the action applies to. A warning
 * the reaper would send is left to the reaper, which runs before the expiry.
 */
async function expireInstance(
  deps: ExpireDeps,
  { instanceId, region }: Extract<ExpiryTarget, { kind: 'instance' }>,
): Promise<ExpireOutcome> {
  if (!deps.reaper) return { outcome: 'left', instanceId, reason: 'no reaper policy configured' };
  const client = deps.ec2(region);
  const [instance] = await describeInstanceViews(client, region, [
    { Name: 'instance-id', Values: [instanceId] },
  ]);
  if (!instance) return { outcome: 'gone', instanceId };
  const nowMs = deps.now().getTime();
  const tagged = instance.tags[deps.reaper.keys.expiresAt];
  // Extended since the schedule was made (a stale firing): the moved schedule acts later.
  if ((parseInstant(tagged) ?? 0) > nowMs) return { outcome: 'not-yet', instanceId, expiresAt: tagged };
  const decision = decideInstance(instance, deps.reaper, nowMs);
  if (decision.kind !== 'act') {
    const reason = decision.kind === 'skip' ? decision.reason : 'not expired';
    return { outcome: 'left', instanceId, reason };
  }
  await changeInstanceState(client, decision.action, [instanceId]);
  const notice = instanceReapedNotice(
    { id: instanceId, label: instanceLabel(instance), region },
    decision.expiresAt,
    decision.action,
  );
  const owner = instance.tags[deps.reaper.keys.owner];
  return { outcome: decision.action, instanceId, told: await tellOwner(deps, owner, notice) };
}

/**
 * A failed DM is logged, never thrown: the action is done, and a throw would make Scheduler retry
 * a firing that has nothing left to do. Returns who was told, for the log.
 */
async function tellOwner(deps: ExpireDeps, owner: string | undefined, text: string): Promise<string> {
  if (!owner || !SLACK_USER_ID.test(owner)) return 'no owner to tell';
  if (!deps.notifier) return 'owner not told (no Slack notifier)';
  try {
    await deps.notifier.dm(owner, { text });
    return owner;
  } catch (error) {
    deps.log.warn({ err: error, owner }, 'could not DM the owner');
    return `could not tell ${owner} (${awsErrorCode(error)})`;
  }
}
