import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { StageConfigInput } from '@ec2ops/core/config';
import type { ExpireDeps } from '@ec2ops/functions/ops/expire';
import { expire } from '@ec2ops/functions/ops/expire';
import { schedulerExpiry } from '@ec2ops/functions/ops/expiry-schedules';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { type SchedulerEmulator, startSchedulerEmulator } from '@ec2ops/sandbox/scheduler/api';
import pino from 'pino';
import { type Harness, startHarness } from '../slack/harness';

export const EXPIRY_GROUP = 'ec2ops-test-expiry';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/**
 * The front door (test/slack/harness.ts) whose worker makes its expiry schedules through the real
 * Scheduler client against the sandbox's emulator; a fired schedule runs the expiry function with
 * `deps()` (read when it fires, so a test can move the scheduler's clock with `now`).
 */
export async function startExpiryHarness(
  config: StageConfigInput,
  now: () => number,
  deps: () => ExpireDeps,
): Promise<{ h: Harness; scheduler: SchedulerEmulator; close(): Promise<void> }> {
  const scheduler = await startSchedulerEmulator({
    port: 0,
    groups: [EXPIRY_GROUP],
    now,
    invoke: (target) => expire(deps(), JSON.parse(target.Input ?? 'null')),
  });
  const client = new SchedulerClient({ endpoint: scheduler.url, region: 'us-east-1', credentials });
  const h = await startHarness({
    config,
    expiry: schedulerExpiry(client, {
      group: EXPIRY_GROUP,
      targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:ec2ops-test-expire',
      roleArn: 'arn:aws:iam::123456789012:role/ec2ops-test-scheduler',
    }),
  });
  return {
    h,
    scheduler,
    async close() {
      await h.close();
      await scheduler.close();
    },
  };
}

/** The expiry function as it runs: on the test's clock, against the harness's EC2, telling owners in its Slack. */
export function expireDepsOver(h: Harness, now: () => number, extra: Partial<ExpireDeps> = {}): ExpireDeps {
  return {
    tagPrefix: 'ec2ops:',
    ec2: () => h.ec2Client,
    now: () => new Date(now()),
    log: pino({ level: 'silent' }),
    notifier: createSlackNotifier(slackWebClient(h.slack.botToken, h.slack.apiUrl)),
    ...extra,
  };
}
