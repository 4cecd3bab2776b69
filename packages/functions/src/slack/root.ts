import { SQSClient } from '@aws-sdk/client-sqs';
import { deriveApprovalKey } from '@ec2ops/core/approvals';
import { commands } from '@ec2ops/core/commands';
import { createAuditor } from '../audit';
import { replayCache } from '../coordination/replay';
import { stageCoordinationTable } from '../coordination/root';
import { sqsQueue } from '../queue';
import { newRequestId } from '../request-id';
import { awsClientSettings, createLogger, loadBaseEnv, type Root } from '../root';
import { withAckTelemetry } from '../telemetry/ack';
import { createMeter } from '../telemetry/meter';
import { createSlackHandler, type FunctionUrlHandler } from './app';

/**
 * The slack function's assembly over the root: runs once per cold start, fails fast on missing or bad
 * settings, makes no network call. Imports the SQS client and Bolt, never the EC2 client.
 * SLACK_BOT_ID / SLACK_BOT_USER_ID (the app's bot, from auth.test once at setup) spare Bolt its
 * auth.test; their placeholders only affect Bolt's "ignore my own events", unused here.
 */
export function slackRoot(root: Root): FunctionUrlHandler {
  const { env } = root;
  const base = loadBaseEnv(env, { queue: true }, root.secret);
  const logger = createLogger(env, { fn: 'slack', stage: base.config.stage });
  // Slack gives 3 seconds for the ack: one quick retry at most, never the SDK's default back-off.
  const sqs = new SQSClient({
    ...awsClientSettings(root, root.endpoints.sqs),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1000 },
  });
  const queue = sqsQueue(sqs, base.queueUrl!);
  const auditChannel = base.config.slack.auditChannel;
  // Denials recorded here reach the audit channel through the worker (no Slack call from here).
  const auditor = createAuditor(
    logger,
    auditChannel
      ? (record, text) => queue.send({ v: 1, kind: 'audit', record: { ...record }, text })
      : undefined,
  );
  const table = stageCoordinationTable(root, base.config, (m) => logger.warn(m), { ackPath: true });
  const meter = createMeter(env, base.config.stage);
  const handler = createSlackHandler({
    replay: table ? replayCache(table) : undefined,
    signingSecret: base.signingSecret,
    botToken: base.botToken,
    slackApiUrl: root.endpoints.slackApi,
    botId: env['SLACK_BOT_ID'] || 'B0EC2OPS',
    botUserId: env['SLACK_BOT_USER_ID'] || 'U0EC2OPS',
    deps: {
      config: base.config,
      commands,
      queue,
      auditor,
      logger,
      clock: root.clock,
      newRequestId,
      approvalKey: deriveApprovalKey(base.signingSecret, base.config.stage),
      coordination: table,
      meter,
    },
  });
  return withAckTelemetry(handler, logger, meter);
}
