import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { atExpression, type ExpiryTarget, expiryEvent, expiryScheduleName } from '@ec2ops/core/ops';
import { awsClientSettings, type Root } from '../root';

/**
 * One-time EventBridge Scheduler schedules that enforce an expiry at its instant, beside the
 * sweepers. `set` creates the schedule or moves it (the same name per resource, so a redelivery
 * or an extend lands on the one schedule); `remove` deletes it and treats "already gone" (it ran,
 * or a close got there first) as done.
 */
export interface ExpirySchedules {
  set(target: ExpiryTarget, expiresAtMs: number): Promise<void>;
  remove(target: ExpiryTarget): Promise<void>;
}

/** Where schedules go and what they invoke; infra sets these (infra/ops.ts), the sandbox too. */
export interface ExpiryScheduleSettings {
  /** The stage's schedule group: the function's IAM is scoped to it. */
  group: string;
  /** The expiry function's ARN. */
  targetArn: string;
  /** The role the scheduler assumes to invoke it (the functions need iam:PassRole on it). */
  roleArn: string;
}

/** EXPIRY_SCHEDULE_GROUP, EXPIRY_FUNCTION_ARN, EXPIRY_SCHEDULER_ROLE_ARN; undefined unless all are set. */
export function expirySettingsFromEnv(
  env: Record<string, string | undefined>,
): ExpiryScheduleSettings | undefined {
  const group = env['EXPIRY_SCHEDULE_GROUP'];
  const targetArn = env['EXPIRY_FUNCTION_ARN'];
  const roleArn = env['EXPIRY_SCHEDULER_ROLE_ARN'];
  return group && targetArn && roleArn ? { group, targetArn, roleArn } : undefined;
}

export function schedulerExpiry(client: SchedulerClient, settings: ExpiryScheduleSettings): ExpirySchedules {
  const definition = (target: ExpiryTarget, expiresAtMs: number) => ({
    Name: expiryScheduleName(target),
    GroupName: settings.group,
    ScheduleExpression: atExpression(expiresAtMs),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    // A one-time schedule left behind after it ran is clutter that counts against the quota.
    ActionAfterCompletion: 'DELETE' as const,
    Target: {
      Arn: settings.targetArn,
      RoleArn: settings.roleArn,
      Input: JSON.stringify(expiryEvent(target, expiresAtMs)),
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
    },
  });
  const create = (target: ExpiryTarget, expiresAtMs: number) =>
    client.send(new CreateScheduleCommand(definition(target, expiresAtMs)));
  const update = (target: ExpiryTarget, expiresAtMs: number) =>
    client.send(new UpdateScheduleCommand(definition(target, expiresAtMs)));
  return {
    async set(target, expiresAtMs) {
      try {
        await create(target, expiresAtMs);
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        try {
          await update(target, expiresAtMs);
        } catch (again) {
          // It ran and deleted itself between the two calls: the rule is expiring now, make a new one.
          if (!(again instanceof ResourceNotFoundException)) throw again;
          await create(target, expiresAtMs);
        }
      }
    },
    async remove(target) {
      try {
        await client.send(
          new DeleteScheduleCommand({ Name: expiryScheduleName(target), GroupName: settings.group }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}

/** The worker's schedules, or undefined when the stage has none; `endpoints.scheduler` in the sandbox. */
export function expirySchedulesFromRoot(root: Root): ExpirySchedules | undefined {
  const settings = expirySettingsFromEnv(root.env);
  return settings
    ? schedulerExpiry(new SchedulerClient(awsClientSettings(root, root.endpoints.scheduler)), settings)
    : undefined;
}
