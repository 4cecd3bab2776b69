/**
 * What the coordination table costs the two hot paths, against dynalite in process (a real
 * DynamoDB service in AWS answers single-item writes in a few milliseconds; dynalite on loopback
 * is the floor, not the forecast).
 *  1. The ack path: the replay cache's one conditional PutItem per Slack request, p50 / p99 over
 *     1,000 distinct signed bodies (and the refusal of a replay).
 *  2. The worker: DynamoDB calls per queue message, counted on the SDK client while the real
 *     worker handler runs `help` (first delivery, then a duplicate) and `launch` (EC2 emulator).
 */
import { randomUUID } from 'node:crypto';
import { replayCache } from '@ec2ops/functions/coordination/replay';
import { lambdaContext } from '@ec2ops/sandbox/sqs/delivery';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { startCoordinatedHarness, startTable } from '../test/coordination/support';
import { queuedRequest } from '../test/slack/fixtures';
import { LAUNCH_CONFIG, setDelays } from '../test/slack/launch-fixtures';

const REQUESTS = 1_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, digits: number) => Number(n.toFixed(digits));

function slackEvent(i: number): APIGatewayProxyEventV2 {
  return {
    headers: { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) },
    body: `token=x&command=%2Fec2&text=help&trigger_id=${i}.${randomUUID()}`,
  } as unknown as APIGatewayProxyEventV2;
}

async function ackPath() {
  const { dynamo, table } = await startTable();
  try {
    const cache = replayCache(table);
    for (let i = 0; i < 100; i++) await cache.admit(slackEvent(i), new Date()); // warm-up
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const event = slackEvent(i);
      const started = performance.now();
      await cache.admit(event, new Date());
      times.push(performance.now() - started);
    }
    const replayed = slackEvent(0);
    await cache.admit(replayed, new Date());
    const second = await cache.admit(replayed, new Date());
    times.sort((a, b) => a - b);
    return {
      requests: REQUESTS,
      addedP50Ms: round(percentile(times, 50), 3),
      addedP99Ms: round(percentile(times, 99), 3),
      callsPerRequest: 1,
      replayRefused: second === 'replay',
    };
  } finally {
    table.client.destroy();
    await dynamo.close();
  }
}

async function workerCalls() {
  const h = await startCoordinatedHarness({ config: LAUNCH_CONFIG });
  await setDelays(h, { instancePending: 0 });
  let calls: string[] = [];
  h.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const deliver = async (body: string) => {
    calls = [];
    const event = {
      Records: [{ messageId: randomUUID(), body, attributes: { ApproximateReceiveCount: '1' } }],
    } as unknown as SQSEvent;
    await h.worker(event, lambdaContext('worker', 60_000));
    return [...calls];
  };
  try {
    const url = (user: string) => h.slack.mintResponseUrl({ user, channel: 'C0GENERAL' }).url;
    const help = JSON.stringify({
      v: 1,
      kind: 'command',
      request: {
        ...queuedRequest({ id: 'r-00000benchhelp', command: 'help', args: {}, text: 'help' }),
        responseUrl: url('UOPERATOR'),
      },
    });
    const launch = JSON.stringify({
      v: 1,
      kind: 'command',
      request: {
        ...queuedRequest({
          id: 'r-0000benchlaunch',
          command: 'launch',
          args: { image: 'al2023' },
          text: 'launch al2023',
        }),
        responseUrl: url('UOPERATOR'),
      },
    });
    const first = await deliver(help);
    const duplicate = await deliver(help);
    const launched = await deliver(launch);
    return {
      help: { calls: first.length, which: first },
      duplicateDelivery: { calls: duplicate.length, which: duplicate },
      launch: { calls: launched.length, which: launched },
    };
  } finally {
    await h.close();
  }
}

export async function run() {
  const ack = await ackPath();
  const worker = await workerCalls();
  return {
    ok: ack.replayRefused && worker.help.calls > 0,
    ackPath: ack,
    workerDynamoCallsPerMessage: worker,
  };
}
