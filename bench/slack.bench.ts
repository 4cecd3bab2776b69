/**
 * The Slack front door's speed and weight.
 *  1. Ack latency: 2,000 signed `/ec2` requests through the real slack handler in process
 *     (request check, Bolt, role, parse, queue to memory), p50 / p99.
 *  2. The slack function's minified bundle (esbuild) against a naive single-function build
 *     (Bolt from its index + EC2 client + every command + worker, bench/fixtures), made in the
 *     same run: size, whether it contains the EC2 client, cold import time and memory of a fresh
 *     `node` process importing the bundle (median of several runs), as ratios.
 *  Target: no EC2 client in the slack bundle; cold import and memory ≤ 0.6 of the naive build.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveApprovalKey } from '@ec2ops/core/approvals';
import { commands } from '@ec2ops/core/commands';
import { parseStageConfig } from '@ec2ops/core/config';
import { createAuditor } from '@ec2ops/functions/audit';
import { memoryQueue } from '@ec2ops/functions/queue';
import { newRequestId } from '@ec2ops/functions/request-id';
import { createSlackHandler } from '@ec2ops/functions/slack/app';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';
import { build, type Plugin } from 'esbuild';
import pino from 'pino';
import { FUNCTION_PLUGINS } from '../scripts/function-bundles';
import { coldImport, round } from './cold-import';
import { signedEvent } from './fixtures/signed-slash-command';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SECRET = 'bench-signing-secret';
const REQUESTS = 2_000;
const COLD_RUNS = 7;
const CONFIG = { stage: 'bench', roles: { users: { UOPERATOR: 'operator', UVIEWER: 'viewer' } } };
const ENV = {
  ...linkedSecretVariables('bench', { SlackBotToken: 'xoxb-bench', SlackSigningSecret: SECRET }),
  QUEUE_URL: 'http://127.0.0.1:1/000000000000/ec2ops-requests',
  EC2OPS_CONFIG: JSON.stringify(CONFIG),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  LOG_LEVEL: 'silent',
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function ackLatency() {
  const config = parseStageConfig(CONFIG);
  const logger = pino({ level: 'silent' });
  const queue = memoryQueue();
  const handler = createSlackHandler({
    signingSecret: SECRET,
    botToken: 'xoxb-bench',
    botId: 'BBENCH',
    botUserId: 'UBENCH',
    deps: {
      config,
      commands,
      queue,
      auditor: createAuditor(logger),
      logger,
      clock: { now: () => new Date() },
      newRequestId,
      approvalKey: deriveApprovalKey(SECRET, 'bench'),
    },
  });
  // A realistic mix: help, help on a command, a parse error, a user without a role.
  const texts: Array<[string, string]> = [
    ['help', 'UOPERATOR'],
    ['help help', 'UVIEWER'],
    ['hlep', 'UOPERATOR'],
    ['help', 'UNOBODY'],
  ];
  for (let i = 0; i < 100; i++) await handler(signedEvent(texts[i % 4]![0], texts[i % 4]![1], i, SECRET)); // warm-up
  const times: number[] = [];
  let non200 = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const event = signedEvent(texts[i % 4]![0], texts[i % 4]![1], i, SECRET);
    const started = performance.now();
    const result = await handler(event);
    times.push(performance.now() - started);
    if (result.statusCode !== 200) non200++;
  }
  times.sort((a, b) => a - b);
  return {
    requests: REQUESTS,
    p50Ms: round(percentile(times, 50), 3),
    p99Ms: round(percentile(times, 99), 3),
    maxMs: round(times.at(-1)!, 2),
    non200,
    queued: queue.messages.length,
  };
}

async function bundle(entry: string, outfile: string, plugins: Plugin[] = []) {
  const result = await build({
    plugins,
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const inputs = Object.keys(result.metafile.inputs);
  return {
    bytes: statSync(outfile).size,
    hasEc2Client: inputs.some((path) => path.includes('@aws-sdk/client-ec2')),
    modules: inputs.length,
  };
}

/**
 * The same cold start the functions bench measures (cold-import.ts), which fails loudly when
 * /proc/self/status has no VmHWM line instead of reporting RSS after GC as the peak.
 */
const coldStats = (file: string | undefined) => coldImport(file, ENV, COLD_RUNS);

export async function run() {
  const ack = await ackLatency();
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-slack-bench-'));
  try {
    const slackFile = join(dir, 'slack.cjs');
    const naiveFile = join(dir, 'naive.cjs');
    const slackBundle = await bundle(
      'packages/functions/src/slack/handler.ts',
      slackFile,
      FUNCTION_PLUGINS.slack,
    );
    const naiveBundle = await bundle('bench/fixtures/naive-slack-entry.ts', naiveFile);
    const baseline = coldStats(undefined);
    const slackCold = coldStats(slackFile);
    const naiveCold = coldStats(naiveFile);
    // Memory attributable to the bundle: peak RSS above a bare `node -e` process.
    const slackMem = slackCold.maxRssMb - baseline.maxRssMb;
    const naiveMem = naiveCold.maxRssMb - baseline.maxRssMb;
    const ratios = {
      bundleBytes: round(slackBundle.bytes / naiveBundle.bytes),
      coldImport: round(slackCold.importMs / naiveCold.importMs),
      memoryAboveBaseline: round(slackMem / naiveMem),
      peakRssTotal: round(slackCold.maxRssMb / naiveCold.maxRssMb),
      heapAfterImport: round(slackCold.heapMb / naiveCold.heapMb),
    };
    const ok = !slackBundle.hasEc2Client && ratios.coldImport <= 0.6 && ratios.memoryAboveBaseline <= 0.6;
    return {
      ok,
      ack,
      slack: { ...slackBundle, kb: round(slackBundle.bytes / 1024, 1), ...slackCold },
      naive: { ...naiveBundle, kb: round(naiveBundle.bytes / 1024, 1), ...naiveCold },
      bareNode: baseline,
      ratios,
      target:
        'slack bundle without EC2 client; cold import and memory (peak RSS above bare node) ≤ 0.6 of naive',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
