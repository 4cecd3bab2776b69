import type { ExpiryScheduleSettings } from '@ec2ops/functions/ops/root';
import { invocationContext } from '../lambda/function-url';
import type { ScheduleTarget } from '../scheduler/service';

type Invoke = (event: unknown, context: ReturnType<typeof invocationContext>) => Promise<unknown>;

/** As infra/ops.ts names them for a stage: the schedule group, the expiry function, the scheduler's role. */
export function sandboxExpirySettings(
  stage: string,
  accountId: string,
  region: string,
): ExpiryScheduleSettings {
  return {
    group: `ec2ops-${stage}-expiry`,
    targetArn: `arn:aws:lambda:${region}:${accountId}:function:ec2ops-${stage}-expire`,
    roleArn: `arn:aws:iam::${accountId}:role/ec2ops-${stage}-scheduler`,
  };
}

/** What the worker reads to make schedules (functions/ops/expiry-schedules.ts); the endpoint goes through the root. */
export function expiryEnvironment(settings: ExpiryScheduleSettings): Record<string, string> {
  return {
    EXPIRY_SCHEDULE_GROUP: settings.group,
    EXPIRY_FUNCTION_ARN: settings.targetArn,
    EXPIRY_SCHEDULER_ROLE_ARN: settings.roleArn,
  };
}

/** Runs a fired schedule's target: the expiry handler, with the schedule's Input as its event, as Scheduler does. */
export function invokeExpiry(
  settings: ExpiryScheduleSettings,
  handler: () => Invoke,
): (target: ScheduleTarget) => Promise<unknown> {
  return async (target) => {
    if (target.Arn !== settings.targetArn) throw new Error(`no function ${target.Arn} in the sandbox`);
    return handler()(JSON.parse(target.Input ?? 'null'), invocationContext('ec2ops-expire', 60_000));
  };
}
