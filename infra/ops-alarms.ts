import { alarmTopic, firesOnAny } from './alarms';
import { expiryFunction } from './ops';
import { commandDeadLetters, commandQueue, jobDeadLetters } from './queue';
import { slackFunction, workerFunction } from './slack';

/**
 * Alarms that watch the service, not single failures (docs/operations.md has the runbook line of
 * each; it is also the alarm's description, which the ops channel shows). Each recovers on its
 * own when the condition ends, so the channel sees the recovery too.
 */
const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

// A dead worker subscription fails silently: commands just wait, until the 4-day retention drops them.
new aws.cloudwatch.MetricAlarm('OldestCommandAge', {
  alarmDescription:
    'Commands wait in the queue over 2 minutes: check the worker (errors, throttles, its SQS event source mapping)',
  namespace: 'AWS/SQS',
  metricName: 'ApproximateAgeOfOldestMessage',
  dimensions: { QueueName: commandQueue.nodes.queue.name },
  statistic: 'Maximum',
  period: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 120,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  ...notify,
});

// Slack gives up on an ack after 3 s and retries: p99 near that means people see timeouts soon.
new aws.cloudwatch.MetricAlarm('SlackAckNearTimeout', {
  alarmDescription:
    'The slack function p99 is over 2.5 s, near Slack 3 s ack limit: check cold starts, the SQS send, memory',
  namespace: 'AWS/Lambda',
  metricName: 'Duration',
  dimensions: { FunctionName: slackFunction.name },
  extendedStatistic: 'p99',
  period: 300,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 2500,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  ...notify,
});

for (const [id, fn] of [
  ['Slack', slackFunction],
  ['Worker', workerFunction],
  ['Expire', expiryFunction],
] as const) {
  new aws.cloudwatch.MetricAlarm(`${id}Throttles`, {
    alarmDescription: `The ${id.toLowerCase()} function is throttled by Lambda concurrency: raise the account limit or reserved concurrency`,
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    dimensions: { FunctionName: fn.name },
    statistic: 'Sum',
    ...firesOnAny,
  });
}

// "Not empty" stays in ALARM after the first failure; growth fires again for each new dead letter.
for (const [id, queue] of [
  ['CommandsDeadLetter', commandDeadLetters],
  ['JobsDeadLetter', jobDeadLetters],
] as const) {
  new aws.cloudwatch.MetricAlarm(`${id}Growing`, {
    alarmDescription: `${id} grew in the last 5 minutes: new failures since the last look; read the newest message`,
    metricQueries: [
      {
        id: 'visible',
        metric: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: queue.nodes.queue.name },
          period: 300,
          stat: 'Maximum',
        },
      },
      { id: 'growth', expression: 'DIFF(visible)', label: 'new dead letters', returnData: true },
    ],
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...notify,
  });
}
