import type { ExpiryTarget } from '@ec2ops/core/ops';
import type { Logger } from '../telemetry/log';
import type { ExpirySchedules } from './expiry-schedules';

/**
 * What executors call after a rule's expiry changed. Best effort on purpose: the rule is already
 * open (or closed) in EC2 and the port-sweep enforces the tag anyway, so a Scheduler outage must
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
    log.warn({ err: error, ruleId: target.ruleId }, 'expiry schedule not set: the port-sweep will close it');
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
      { err: error, ruleId: target.ruleId },
      'expiry schedule not deleted: it will find the rule gone',
    );
  }
}
