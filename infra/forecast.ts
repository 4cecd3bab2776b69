import { FORECAST_FUNCTION, forecastPolicy, policyScope } from '@ec2ops/core/iam';
import { FORECAST_HANDLER, FORECAST_SIZE } from './functions';
import { roleWithEc2Policy } from './iam';
import { slackBotToken } from './secrets';
import { baseEnvironment, logging, stage } from './stage';

/**
 * `/ec2 forecast`: the worker invokes this asynchronously. It reads the account into a twin with
 * its own role, which may only call the twin import's Describe actions, runs the jobs on the twin
 * in-process for minutes, and posts the summary and the report to Slack itself. Lambda retries a
 * failed asynchronous invocation twice by default; a forecast is not worth repeating: none.
 */
export const forecastFunction = new sst.aws.Function(FORECAST_FUNCTION, {
  handler: FORECAST_HANDLER,
  description: 'ec2ops forecast: what the scheduled jobs will do over the coming days (read-only)',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memory: `${FORECAST_SIZE.memoryMb} MB`,
  timeout: `${FORECAST_SIZE.timeoutSeconds} seconds`,
  link: [slackBotToken],
  environment: { ...baseEnvironment },
  retries: 0,
  transform: { role: roleWithEc2Policy(forecastPolicy(policyScope(stage.config))) },
  logging,
});
