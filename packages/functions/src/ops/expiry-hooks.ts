import { type ExpiryTarget, expiryResourceId } from '@ec2ops/core/ops';
import { parseInstant } from '@ec2ops/core/time';
import type { Logger } from '../telemetry/log';
import type { ExpirySchedules } from './expiry-schedules';

/**
 * What executors call after a rule's expiry changed. Best effort on purpose: the rule or TTL is already
 * in EC2 and the port-sweep / instance-reaper enforce the tag anyway, so a Scheduler outage must
 * not fail the person's command; it is logged (warn) for the on-call to see.
 */
export async function scheduleExpiry(
  schedules: ExpirySchedules | undefined,
  log: Logger,
  target: ExpiryTarget,
  expiresAtMs: number,
): Promise<void> {
  if (!schedules) return;
  try {
    await schedules.set(target, expiresAtMs);
  } catch (error) {
    log.warn(
      { err: error, resource: expiryResourceId(target) },
      'expiry schedule not set: the port-sweep or instance-reaper will act on it',
    );
  }
}

export async function unscheduleExpiry(
  schedules: ExpirySchedules | undefined,
  log: Logger,
  target: ExpiryTarget,
): Promise<void> {
  if (!schedules) return;
  try {
    await schedules.remove(target);
  } catch (error) {
    // Left behind, it fires, finds the rule gone and does nothing; then deletes itself.
    log.warn(
      { err: error, resource: expiryResourceId(target) },
      'expiry schedule not deleted: it will find the resource gone or not yet expired',
    );
  }
}

/** An instance's TTL as its expiry schedule (launch, extend); a tag that is no instant sets none. */
export async function scheduleInstanceExpiry(
  schedules: ExpirySchedules | undefined,
  log: Logger,
  instance: { id: string; region: string },
  expiresAt: string | undefined,
): Promise<void> {
  const at = parseInstant(expiresAt);
  if (at === undefined) return;
  await scheduleExpiry(
    schedules,
    log,
    { kind: 'instance', instanceId: instance.id, region: instance.region },
    at,
  );
}
