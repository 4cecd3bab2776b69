import { alarmTopic } from './alarms';
import { lambdaOnlyTrust } from './ops';
import { slackBotToken } from './secrets';
import { baseEnvironment, logging } from './stage';

/**
 * Alarms delivered where the team works: the alarm topic is subscribed by an ec2ops function that
 * posts each alarm and its recovery into the stage's channel (`slack.reportChannel`), besides the
 * e-mail subscription. Runbook per alarm: docs/operations.md.
 */
export const alarmsToSlack = alarmTopic.subscribe('AlarmsToSlack', {
  handler: 'packages/functions/src/ops/alarms.handler.handler',
  description: 'Posts CloudWatch alarms and recoveries into the stage Slack channel',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memory: '256 MB',
  timeout: '30 seconds',
  link: [slackBotToken],
  environment: baseEnvironment,
  transform: { role: lambdaOnlyTrust },
  logging,
});
