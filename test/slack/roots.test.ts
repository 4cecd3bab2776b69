import { build } from '@ec2ops/functions/root';
import { slackRoot } from '@ec2ops/functions/slack/root';
import { createWorkerHandler } from '@ec2ops/functions/worker/batch';
import { workerRoot } from '@ec2ops/functions/worker/root';
import { type FunctionUrlServer, startFunctionUrl } from '@ec2ops/sandbox/lambda/function-url';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';
import { emulatorMint, SlackRequestClient } from '@ec2ops/sandbox/slack/client';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { type SqsEmulator, startSqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The composition roots exactly as Lambda runs them: everything from the environment, the
 * endpoints through the AWS SDK's own AWS_ENDPOINT_URL_* variables and SLACK_API_URL.
 */
const SECRET = 'roots-signing-secret';
let slack: SlackEmulator;
let sqs: SqsEmulator;
let front: FunctionUrlServer;
const saved = { ...process.env };

beforeAll(async () => {
  slack = await startSlackEmulator({ port: 0 });
  sqs = await startSqsEmulator({
    port: 0,
    queues: [{ name: 'roots', deadLetter: { queue: 'roots-dlq', maxReceiveCount: 3 } }],
  });
  Object.assign(process.env, {
    ...linkedSecretVariables('roots', { SlackBotToken: slack.botToken, SlackSigningSecret: SECRET }),
    SLACK_API_URL: slack.apiUrl,
    QUEUE_URL: sqs.queueUrl('roots'),
    QUEUE_MAX_RECEIVE_COUNT: '3',
    EC2OPS_CONFIG: JSON.stringify({ stage: 'roots', roles: { users: { UVIEWER: 'viewer' } } }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDROOTS',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:1',
    LOG_LEVEL: 'silent',
  });
  front = await startFunctionUrl(slackRoot(build({ fn: 'Slack', env: process.env })));
  sqs.consume('roots', createWorkerHandler(workerRoot(build({ fn: 'Worker', env: process.env }))), {
    pollIntervalMs: 20,
  });
});
afterAll(async () => {
  await front?.close();
  await sqs?.close();
  await slack?.close();
  process.env = saved;
});

describe('the composition roots', () => {
  it('serve /ec2 help end to end from environment variables alone', async () => {
    const client = new SlackRequestClient({
      url: `${front.url}/slack/events`,
      signingSecret: SECRET,
      mint: emulatorMint(slack),
    });
    const sent = await client.slashCommand('/ec2 help', { user: 'UVIEWER' });
    expect(sent.status).toBe(200);
    await sqs.drain();
    const reply = slack.workspace.responseUrl(sent.responseUrl!.id)!.replies[0]!;
    expect(reply.outcome).toBe('ok');
    expect(JSON.stringify(reply.payload)).toContain('ec2ops commands');
  });
  it('fail fast, naming what is missing', () => {
    expect(() => slackRoot(build({ fn: 'Slack', env: {} }))).toThrow(/EC2OPS_CONFIG, QUEUE_URL/);
    expect(() => workerRoot(build({ fn: 'Worker', env: {} }))).toThrow(/EC2OPS_CONFIG/);
  });
});
