import { alarmTopic } from './alarm-topic';
import { commandDeadLetters, commandQueue } from './queue';

/**
 * What the worker reads for `/ec2 status` (packages/functions/src/ops/status.ts): the command
 * queue and its dead letters (depth, and the oldest message's age from CloudWatch), and the alarms that notify this stage's topic (open ones).
 * Read-only: GetQueueAttributes on the two queues, DescribeAlarms and GetMetricData.
 */
export const statusWorkerEnvironment = {
  STATUS_QUEUE_URL: commandQueue.url,
  STATUS_DLQ_URL: commandDeadLetters.url,
  ALARM_TOPIC_ARN: alarmTopic.arn,
};

export const statusWorkerPermissions = [
  { actions: ['sqs:GetQueueAttributes'], resources: [commandQueue.arn, commandDeadLetters.arn] },
  // Neither has a resource scope; GetMetricData reads the queue's oldest-message age.
  { actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'], resources: ['*'] },
];
