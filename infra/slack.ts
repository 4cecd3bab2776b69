import { coordinationAccess } from './coordination';
import { forecastFunction } from './forecast';
import {
  COMMAND_MAX_RECEIVES,
  HANDLERS,
  SIZES,
  WORKER_BATCH_SIZE,
  WORKER_MAX_CONCURRENCY,
} from './functions';
import { functionRole } from './iam';
import { expiryWorkerEnvironment, expiryWorkerPermissions } from './ops';
import { commandQueue } from './queue';
import { slackBotToken, slackSigningSecret } from './secrets';
import { baseEnvironment, logging, stage } from './stage';
import { statusWorkerEnvironment, statusWorkerPermissions } from './status';

const bot = stage.deploy.slackBot;
const slackCoordination = coordinationAccess('slack');
const workerCoordination = coordinationAccess('worker');

/**
 * Slack's front door: verifies the signature, checks the role, parses, enqueues and acks within
 * Slack's 3 seconds. The Function URL has no AWS authorization on purpose: Slack cannot sign
 * AWS requests, and the Slack signature (checked before anything else) is the authentication.
 */
export const slackFunction = new sst.aws.Function('Slack', {
  handler: HANDLERS.slack,
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memory: `${SIZES.slack.memoryMb} MB`,
  timeout: `${SIZES.slack.timeoutSeconds} seconds`,
  url: { authorization: 'none', cors: false },
  // Leaves out the Bolt receivers the function never constructs, node:http's lazy exports and
  // unused SDK schemas (see the file); what it imports dynamically is a chunk a cold start does
  // not read (docs/architecture.md, "Bundles and cold starts").
  nodejs: { plugins: './infra/slack-bundle-plugins.mjs', splitting: true },
  link: [slackBotToken, slackSigningSecret],
  environment: {
    ...baseEnvironment,
    QUEUE_URL: commandQueue.url,
    ...slackCoordination.environment,
    ...(bot ? { SLACK_BOT_ID: bot.botId, SLACK_BOT_USER_ID: bot.botUserId } : {}),
  },
  permissions: [
    { actions: ['sqs:SendMessage'], resources: [commandQueue.arn] },
    slackCoordination.permission,
  ],
  transform: { role: functionRole('slack') },
  logging,
});

/** Runs each command and answers in Slack; SQS redelivers what it reports as failed. */
export const workerFunction = new sst.aws.Function('Worker', {
  handler: HANDLERS.worker,
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memory: `${SIZES.worker.memoryMb} MB`,
  timeout: `${SIZES.worker.timeoutSeconds} seconds`,
  // Keeps node:http's lazy exports and unused SDK schemas out of the bundle (see the file); what
  // it imports dynamically is a chunk a cold start does not read (docs/architecture.md).
  nodejs: { plugins: './infra/bundle-plugins.mjs', splitting: true },
  link: [slackBotToken, slackSigningSecret],
  // The worker reads the redrive limit to tell the user, on the last attempt, that it failed.
  environment: {
    ...baseEnvironment,
    ...workerCoordination.environment,
    QUEUE_MAX_RECEIVE_COUNT: String(COMMAND_MAX_RECEIVES),
    ...expiryWorkerEnvironment,
    ...statusWorkerEnvironment,
    // `/ec2 forecast` starts it (InvocationType Event).
    FORECAST_FUNCTION_NAME: forecastFunction.name,
  },
  permissions: [
    {
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
      ],
      resources: [commandQueue.arn],
    },
    workerCoordination.permission,
    ...expiryWorkerPermissions,
    ...statusWorkerPermissions,
    { actions: ['lambda:InvokeFunction'], resources: [forecastFunction.arn] },
  ],
  transform: { role: functionRole('worker') },
  logging,
});

commandQueue.subscribe(workerFunction.arn, {
  batch: { size: WORKER_BATCH_SIZE, window: '0 seconds', partialResponses: true },
  transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: WORKER_MAX_CONCURRENCY } } },
});
