import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  EC2Client,
  ReleaseAddressCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseStageConfig, SANDBOX_STAGE } from '@ec2ops/core/config';
import { FORECAST_FUNCTION, TWIN_READ_ACTIONS } from '@ec2ops/core/iam';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/e2e/cli';
import { QUIET_SLACK_LOGGER } from '../../../../test/slack/quiet-slack-logger';
import { forecastToSlack } from '../../src/forecast/lambda';
import { credentialsOf, functionPolicies, SANDBOX_CREDENTIALS } from '../../src/iam/stage-policies';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

const config = parseStageConfig(SANDBOX_STAGE);
const REGION = config.regions[0]!;
let dir: string;
let sandbox: Sandbox;
const clients: { destroy(): void }[] = [];
const ec2As = (accessKeyId: string, region = REGION) => {
  const client = new EC2Client({
    region,
    endpoint: sandbox.endpoints.ec2,
    credentials: accessKeyId === FORECAST_FUNCTION ? credentialsOf(FORECAST_FUNCTION) : SANDBOX_CREDENTIALS,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-forecast-fn-'));
  sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Forecast function', () => {
  it('holds only the twin import’s Describe actions', () => {
    const policy = functionPolicies(config)[FORECAST_FUNCTION]!;
    const actions = policy.Statement.flatMap((s) => s.Action).sort();
    expect(actions).toEqual(TWIN_READ_ACTIONS.map((a) => `ec2:${a}`).sort());
    expect(actions.every((a) => a.startsWith('ec2:Describe'))).toBe(true);
  });

  it('cannot change the account with its credentials: the emulator refuses, nothing changes', async () => {
    const admin = ec2As('admin');
    const forecast = ec2As(FORECAST_FUNCTION);
    const instances = async () =>
      JSON.stringify((await admin.send(new DescribeInstancesCommand({}))).Reservations);
    const addresses = async () =>
      JSON.stringify((await admin.send(new DescribeAddressesCommand({}))).Addresses);
    const before = [await instances(), await addresses()];
    const instanceId = JSON.parse(before[0]!)[0].Instances[0].InstanceId as string;
    const allocationId = JSON.parse(before[1]!)[0]?.AllocationId as string;
    const refused = await Promise.allSettled([
      forecast.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
      forecast.send(new ReleaseAddressCommand({ AllocationId: allocationId })),
      forecast.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'x', Value: 'y' }] })),
    ]);
    expect(refused.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'allowed'))).toEqual([
      'UnauthorizedOperation',
      'UnauthorizedOperation',
      'UnauthorizedOperation',
    ]);
    expect([await instances(), await addresses()]).toEqual(before);
    await expect(forecast.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });

  it('reads the account as itself, forecasts, and posts an escaped summary with the report in its thread', async () => {
    const slack = new WebClient(sandbox.workspace.seed.bot.token, {
      slackApiUrl: sandbox.endpoints.slackApi,
      retryConfig: { retries: 0 },
      logger: QUIET_SLACK_LOGGER,
    });
    const channel = sandbox.workspace.resolveChannel('#ec2ops')!;
    const before = await ec2As('admin').send(new DescribeInstancesCommand({}));
    const posted = await forecastToSlack(
      { requestId: 'req-1', days: 2, channel, requestedBy: 'UADMIN' },
      {
        config,
        ec2: (region) => ec2As(FORECAST_FUNCTION, region),
        slack,
        now: () => sandbox.clock.now(),
      },
    );
    const summary = sandbox.workspace.history(channel).find((m) => m.ts === posted.ts)!;
    expect(summary.text).toContain('<@UADMIN> asked for a forecast.');
    expect(summary.text).toContain(`Forecast for stage ${config.stage}`);
    expect(summary.text).toMatch(/Day 2 \(until/);
    expect(summary.text).not.toMatch(/<(?!@UADMIN>)/);
    const file = sandbox.workspace.files.get(posted.fileId!)!;
    expect(file.filename).toBe(`forecast-${config.stage}-2d.md`);
    expect(file.content?.toString('utf8')).toContain('| Day |');
    expect(file.shares).toEqual([{ channel, ts: expect.any(String) }]);
    expect(sandbox.workspace.thread(channel, posted.ts).map((m) => m.ts)).toContain(file.shares[0]!.ts);
    // The account itself did not move: the forecast ran on its twin.
    expect(await ec2As('admin').send(new DescribeInstancesCommand({}))).toEqual(
      expect.objectContaining({ Reservations: before.Reservations }),
    );
  });

  it('refuses days outside 1..14 before reading anything', async () => {
    const channel = sandbox.workspace.resolveChannel('#ec2ops')!;
    const messages = sandbox.workspace.history(channel).length;
    await expect(
      forecastToSlack(
        { requestId: 'req-2', days: 15, channel, requestedBy: 'UADMIN' },
        {
          config,
          ec2: () => {
            throw new Error('read the account');
          },
          slack: new WebClient('xoxb-unused', {
            slackApiUrl: sandbox.endpoints.slackApi,
            logger: QUIET_SLACK_LOGGER,
          }),
          now: () => sandbox.clock.now(),
        },
      ),
    ).rejects.toMatchObject({ code: 'forecast.days' });
    expect(sandbox.workspace.history(channel)).toHaveLength(messages);
  });
});

describe('/ec2 forecast in the sandbox', () => {
  it('runs end to end: the worker invokes the Forecast function through the sandbox, which posts the report', async () => {
    const channel = sandbox.workspace.resolveChannel('#ec2ops')!;
    const before = sandbox.workspace.files.inChannel(channel).length;
    const answer = await fetch(`${sandbox.endpoints.console}console/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'UADMIN', channel, text: '/ec2 forecast 1' }),
    });
    expect(answer.status).toBe(200);
    const file = await eventually(
      () => 'the forecast report in #ec2ops',
      () => sandbox.workspace.files.inChannel(channel)[before],
    );
    expect(file.filename).toBe(`forecast-${config.stage}-1d.md`);
    expect(sandbox.workspace.files.inChannel(channel)).toHaveLength(before + 1);
  });

  it('tells the channel when a run fails, since the requester was told it started', async () => {
    const channel = sandbox.workspace.resolveChannel('#ec2ops')!;
    // The sandbox serves Lambda's Invoke API on its own port, where SQS's API is too.
    const lambda = new LambdaClient({
      endpoint: sandbox.endpoints.sqs,
      region: REGION,
      credentials: credentialsOf('Worker'),
    });
    clients.push(lambda);
    const request = { requestId: 'req-bad', days: 99, channel, requestedBy: 'UADMIN' };
    await lambda.send(
      new InvokeCommand({
        FunctionName: 'ec2ops-forecast',
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const told = await eventually(
      () => 'the failure in #ec2ops',
      () =>
        sandbox.workspace
          .history(channel)
          .find((m) => m.text.startsWith('The forecast <@UADMIN> asked for failed')),
    );
    expect(told.text).toContain('Days must be a whole number from 1 to 14');
  });
});
