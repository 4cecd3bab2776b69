import { EC2Client } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core/config';
import { FORECAST_FUNCTION } from '@ec2ops/core/iam';
import { lambdaForecastStarter } from '@ec2ops/functions/forecast-starter';
import { forecastToSlack } from '@ec2ops/sandbox/forecast/lambda';
import { credentialsOf } from '@ec2ops/sandbox/iam/stage-policies';
import { type LambdaInvokeEndpoint, startLambdaInvoke } from '@ec2ops/sandbox/lambda/invoke';
import { lambdaContext } from '@ec2ops/sandbox/sqs/delivery';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allAtOnce,
  type CoordinatedHarness,
  delivery,
  startCoordinatedHarness,
} from '../coordination/support';
import { answerTo, queuedRequest } from './fixtures';
import { TEST_CONFIG } from './harness';
import { QUIET_SLACK_LOGGER } from './quiet-slack-logger';

/**
 * `/ec2 forecast [days]`: the worker starts the Forecast function through Lambda's asynchronous
 * Invoke (the real SDK against the sandbox's Invoke endpoint); the function reads the account as
 * itself (read-only policy, enforced by the emulator), forecasts, and posts a summary with the
 * Markdown report attached to the channel that asked.
 */
const CHANNEL = 'C0EC2OPS';
const FUNCTION = 'ec2ops-forecast';
let h: CoordinatedHarness;
let lambda: LambdaInvokeEndpoint & { url: string; close(): Promise<void> };
let invocations = 0;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  const config = parseStageConfig(TEST_CONFIG);
  let harness: CoordinatedHarness | undefined;
  lambda = await startLambdaInvoke({
    [FUNCTION]: async (event) => {
      invocations += 1;
      const slack = new WebClient(harness!.slack.botToken, {
        slackApiUrl: harness!.slack.apiUrl,
        logger: QUIET_SLACK_LOGGER,
      });
      return forecastToSlack(event as never, {
        config,
        ec2: (region) => {
          const c = new EC2Client({
            region,
            endpoint: harness!.ec2.url,
            credentials: credentialsOf(FORECAST_FUNCTION),
          });
          clients.push(c);
          return c;
        },
        slack,
        now: () => Date.now(),
      });
    },
  });
  // The starter builds its Lambda client at the first forecast (its SDK is not loaded before).
  const invoke = { endpoint: lambda.url, region: 'us-east-1', credentials: credentialsOf('Worker') };
  harness = await startCoordinatedHarness({ forecasts: lambdaForecastStarter(invoke, FUNCTION) });
  h = harness;
});
afterAll(async () => {
  await lambda?.close();
  for (const c of clients) c.destroy();
  await h?.close();
});

async function ec2(text: string, user: string) {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: CHANNEL });
  return answerTo(h, sent, queued);
}

const files = () => h.slack.workspace.files.inChannel(CHANNEL);

describe('/ec2 forecast', () => {
  it('an admin gets "started", then a summary in the channel with the report attached in its thread', async () => {
    const answer = await ec2('forecast 2', 'UADMIN');
    expect(answer.payload.text).toMatch(/^Forecast for 2 days started/);
    await lambda.idle();
    expect(lambda.failures).toEqual([]);
    const [file] = files();
    expect(file?.filename).toBe('forecast-test-2d.md');
    expect(file?.content?.toString('utf8')).toContain('# Forecast');
    const summary = h.slack.workspace
      .history(CHANNEL)
      .find((m) => h.slack.workspace.thread(CHANNEL, m.ts).some((r) => r.ts === file!.shares[0]!.ts));
    expect(summary?.text).toContain('<@UADMIN> asked for a forecast.');
    expect(summary?.text).toContain('Forecast for stage test');
  });

  it('refuses a viewer and starts nothing', async () => {
    const before = invocations;
    const answer = await ec2('forecast', 'UVIEWER');
    expect(answer.payload.text).toMatch(/admin/i);
    await lambda.idle();
    expect(invocations).toBe(before);
  });

  it.each(['abc', '0', '15'])('refuses days=%s with a clear error and starts nothing', async (days) => {
    const before = invocations;
    const answer = await ec2(`forecast ${days}`, 'UADMIN');
    expect(answer.payload.text).toMatch(/days/i);
    await lambda.idle();
    expect(invocations).toBe(before);
  });

  it('starts one forecast when one request is delivered four times at once', async () => {
    const before = { invocations, files: files().length };
    const request = queuedRequest({
      id: 'r-00forecast4x',
      command: 'forecast',
      args: { days: 1 },
      text: 'forecast 1',
      user: { id: 'UADMIN', role: 'admin' },
    });
    const body = JSON.stringify({ v: 1, kind: 'command', request: { ...request, channel: { id: CHANNEL } } });
    const first = await allAtOnce(4, () => h.worker(delivery(body), lambdaContext('worker', 60_000)));
    const handedBack = first.filter((r) => r.batchItemFailures.length > 0).length;
    await allAtOnce(handedBack, () => h.worker(delivery(body, 2), lambdaContext('worker', 60_000)));
    await lambda.idle();
    expect(invocations - before.invocations).toBe(1);
    expect(files().length - before.files).toBe(1);
  });
});
