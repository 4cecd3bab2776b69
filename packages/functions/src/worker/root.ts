import { deriveApprovalKey } from '@ec2ops/core/approvals/token';
import { commands } from '@ec2ops/core/commands/index';
import { WebClient } from '@slack/web-api';
import { createAuditor } from '../audit';
import { expirySchedulesFromEnv } from '../ops/expiry-schedules';
import { createLogger, type Env, loadBaseEnv } from '../root';
import type { WorkerDeps } from './dispatch';
import { ec2Gateway } from './ec2';
import { EXECUTORS } from './executors/index';
import { createSlackNotifier } from './notifier';

/**
 * The worker's composition root: EC2 clients (AWS_ENDPOINT_URL_EC2 honoured by the SDK), the
 * Slack Web API client (SLACK_API_URL for the sandbox), the notifier, audit, clock. Once per
 * cold start. QUEUE_MAX_RECEIVE_COUNT must match the queue's redrive policy (default 3).
 */
export function workerRoot(env: Env): WorkerDeps {
  const base = loadBaseEnv(env, { queue: false });
  const logger = createLogger(env, { fn: 'worker', stage: base.config.stage });
  const web = new WebClient(base.botToken, base.slackApiUrl ? { slackApiUrl: base.slackApiUrl } : {});
  const slack = createSlackNotifier(web, logger);
  const auditChannel = base.config.slack.auditChannel;
  return {
    config: base.config,
    commands,
    executors: EXECUTORS,
    ec2: ec2Gateway(base.config.regions),
    slack,
    clock: { now: () => new Date() },
    logger,
    auditor: createAuditor(
      logger,
      auditChannel ? async (_record, text) => void (await slack.post(auditChannel, { text })) : undefined,
    ),
    approvalKey: deriveApprovalKey(base.signingSecret, base.config.stage),
    maxReceiveCount: Number(env['QUEUE_MAX_RECEIVE_COUNT'] ?? '3') || 3,
    expiry: expirySchedulesFromEnv(env),
  };
}
