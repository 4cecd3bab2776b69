import { parseStageConfig } from '@ec2ops/core';
import { METRICS, METRICS_NAMESPACE } from '@ec2ops/core/telemetry';
import {
  type FunctionUrlServer,
  invocationContext,
  startFunctionUrl,
} from '@ec2ops/sandbox/lambda/function-url';
import { buildHandlers, type Handlers } from '@ec2ops/sandbox/runner/handlers';
import { emulatorMint, SlackRequestClient } from '@ec2ops/sandbox/slack/client';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { type SqsEmulator, startSqsEmulator } from '@ec2ops/sandbox/sqs/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ago, allocateAddress, DAY, type EipWorld, NOW, remaining, startWorld } from '../jobs/eip-fixtures';
import { captureOutput, type EmfValue, parseEmf } from './emf';

/**
 * Telemetry as CloudWatch would read it: the production handlers, built by the sandbox through
 * the composition root with metrics on, run a slash command (slack function → queue → worker)
 * and a job against the emulators; their stdout is parsed as embedded metric format and as
 * Powertools' JSON log lines.
 */
const SECRET = 'telemetry-signing-secret';
const CONFIG = {
  stage: 'telem',
  regions: ['us-east-1'],
  roles: { users: { UVIEWER: 'viewer' } },
};
let slack: SlackEmulator;
let sqs: SqsEmulator;
let world: EipWorld;
let front: FunctionUrlServer;
let handlers: Handlers;
let client: SlackRequestClient;

beforeAll(async () => {
  slack = await startSlackEmulator({ port: 0 });
  sqs = await startSqsEmulator({
    port: 0,
    queues: [{ name: 'telem', deadLetter: { queue: 'telem-dlq', maxReceiveCount: 3 } }],
  });
  world = await startWorld();
  world.enforce(parseStageConfig(CONFIG));
  // Built quietly: without a coordination table each root warns once (expected here).
  const built = await captureOutput(() =>
    buildHandlers({
      env: {
        QUEUE_URL: sqs.queueUrl('telem'),
        QUEUE_MAX_RECEIVE_COUNT: '3',
        EC2OPS_CONFIG: JSON.stringify(CONFIG),
        LOG_LEVEL: 'info',
        EC2OPS_METRICS: 'emf',
      },
      secrets: { SlackBotToken: slack.botToken, SlackSigningSecret: SECRET },
      clock: { now: () => new Date() },
      endpoints: { ec2: world.emulator.url, sqs: sqs.url, slackApi: slack.apiUrl },
      region: 'us-east-1',
    }),
  );
  handlers = built.result;
  front = await startFunctionUrl(handlers.slack, { functionName: 'ec2ops-telem-Slack' });
  client = new SlackRequestClient({
    url: `${front.url}/slack/events`,
    signingSecret: SECRET,
    mint: emulatorMint(slack),
  });
});
afterAll(async () => {
  await front?.close();
  await sqs?.close();
  await slack?.close();
  await world?.close();
});

const json = (lines: string[]) =>
  lines.flatMap((line) => {
    try {
      const doc = JSON.parse(line);
      return doc && typeof doc === 'object' && !('_aws' in doc) ? [doc as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });

const find = (values: EmfValue[], name: string, dimensions: Record<string, string>) =>
  values.filter(
    (v) => v.name === name && Object.entries(dimensions).every(([k, value]) => v.dimensions[k] === value),
  );

describe('telemetry of a slash command, slack function to worker', () => {
  it('counts the command by name and outcome, times the ack, and carries one correlation id', async () => {
    const { lines } = await captureOutput(async () => {
      sqs.consume('telem', handlers.worker as never, { pollIntervalMs: 20 });
      const sent = await client.slashCommand('/ec2 help', { user: 'UVIEWER' });
      expect(sent.status).toBe(200);
      const refused = await client.slashCommand('/ec2 frobnicate now', { user: 'UVIEWER' });
      expect(refused.status).toBe(200);
      await sqs.drain();
    });
    const values = parseEmf(lines);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(v.namespace).toBe(METRICS_NAMESPACE);
      // stage is the one default dimension (Powertools' `service` is dropped, see meter.ts).
      expect(v.dimensions['stage']).toBe('telem');
      expect(v.dimensions['service']).toBeUndefined();
      expect(v.unit).toBe(METRICS[v.name as keyof typeof METRICS].unit);
    }
    expect(find(values, 'Commands', { command: 'help', outcome: 'ok' }).map((v) => v.value)).toEqual([1]);
    expect(find(values, 'Commands', { command: 'unknown', outcome: 'invalid' }).map((v) => v.value)).toEqual([
      1,
    ]);
    const acks = find(values, 'AckLatency', {});
    expect(acks).toHaveLength(2);
    for (const ack of acks) {
      expect(ack.value).toBeGreaterThanOrEqual(0);
      expect(Object.keys(ack.dimensions)).toEqual(['stage']);
    }

    // The request id the slack function made is the correlation id of the worker's lines too.
    const logs = json(lines);
    const allowed = logs.find((l) => (l['record'] as { event?: string } | undefined)?.event === 'allowed');
    expect(allowed).toBeDefined();
    const requestId = (allowed!['record'] as { requestId: string }).requestId;
    expect(requestId).toMatch(/^r-[0-9a-f]{16}$/);
    expect(allowed).toMatchObject({
      correlation_id: requestId,
      fn: 'slack',
      stage: 'telem',
      service: 'ec2ops',
    });
    const outcome = logs.find((l) => (l['record'] as { event?: string } | undefined)?.event === 'outcome');
    expect(outcome).toMatchObject({ fn: 'worker', record: { requestId, result: 'ok', command: 'help' } });
    // Powertools' Lambda context: the invocation's request id and the cold-start flag.
    for (const line of [allowed!, outcome!]) {
      expect(line['function_request_id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof line['cold_start']).toBe('boolean');
      expect(line['level']).toBe('INFO');
    }
    expect(allowed!['function_name']).toBe('ec2ops-telem-Slack');
  });
});

describe('correlation under concurrency', () => {
  it('keeps each command on its own correlation id when a batch runs them at once', async () => {
    const { lines } = await captureOutput(async () => {
      // Sent together, so the worker takes several in one batch and runs them concurrently.
      const sent = await Promise.all(
        Array.from({ length: 6 }, () => client.slashCommand('/ec2 help', { user: 'UVIEWER' })),
      );
      expect(sent.map((r) => r.status)).toEqual(Array(6).fill(200));
      await sqs.drain();
    });
    const outcomes = json(lines).filter(
      (l) => (l['record'] as { event?: string } | undefined)?.event === 'outcome',
    );
    expect(outcomes).toHaveLength(6);
    for (const line of outcomes)
      expect(line['correlation_id']).toBe((line['record'] as { requestId: string }).requestId);
    expect(new Set(outcomes.map((l) => l['correlation_id'])).size).toBe(6);
    // Each counted once, with its own dimensions: no EMF document mixes two commands' points.
    const counted = find(parseEmf(lines), 'Commands', { command: 'help', outcome: 'ok' });
    expect(counted.map((v) => v.value)).toEqual(Array(6).fill(1));
  });
});

describe('telemetry of a job run', () => {
  it('beats, counts items, EC2 calls and throttles, and prices what it saved', async () => {
    await allocateAddress(world.ec2('us-east-1'), 'old', {
      'ec2ops:managed': 'true',
      'ec2ops:idle-since': ago(8 * DAY),
    });
    const job = handlers.jobs['eip-cleanup']!;
    const { result, lines } = await captureOutput(() =>
      job({ dryRun: false, now: NOW.toISOString() }, invocationContext('ec2ops-telem-EipCleanupJob', 60_000)),
    );
    expect(result).toMatchObject({ summary: 'released 1', ok: true });
    expect(await remaining(world.ec2('us-east-1'))).toEqual({});
    const values = parseEmf(lines);
    const of = (name: string) =>
      find(values, name, { job: 'eip-cleanup', stage: 'telem' }).map((v) => v.value);
    expect(of('JobHeartbeat')).toEqual([1]);
    expect(of('JobDeadlineHit')).toEqual([]);
    expect(of('JobItemsActedOn')).toEqual([1]);
    expect(of('JobItemsFailed')).toEqual([0]);
    // One address at $0.005/h × 730 h, as the report prices it.
    expect(of('SavingsUsdPerMonth')).toEqual([3.65]);
    expect(of('Ec2Throttles')).toEqual([0]);
    // Describe, re-read, release at least.
    expect(of('Ec2Calls')[0]).toBeGreaterThanOrEqual(3);
    // A job's metrics share one dimension set, so they arrive as one EMF document.
    const emfLines = lines.filter((l) => l.includes('"_aws"'));
    expect(emfLines).toHaveLength(1);
  });

  it('beats on a dry run, acting on and saving nothing', async () => {
    await allocateAddress(world.ec2('us-east-1'), 'again', {
      'ec2ops:managed': 'true',
      'ec2ops:idle-since': ago(8 * DAY),
    });
    const { lines } = await captureOutput(() =>
      handlers.jobs['eip-cleanup']!(
        { dryRun: true, now: NOW.toISOString() },
        invocationContext('ec2ops-telem-EipCleanupJob', 60_000),
      ),
    );
    const values = parseEmf(lines);
    expect(find(values, 'JobHeartbeat', { job: 'eip-cleanup' }).map((v) => v.value)).toEqual([1]);
    expect(find(values, 'JobItemsActedOn', { job: 'eip-cleanup' })).toEqual([]);
    expect(find(values, 'SavingsUsdPerMonth', { job: 'eip-cleanup' })).toEqual([]);
  });
});
