import { pascalCase } from './functions';
import { jobs } from './jobs';
import { commandDeadLetters, jobDeadLetters } from './queue';
import { slackFunction } from './slack';
import { stage } from './stage';

/**
 * What pages a person: a dead-letter queue that is not empty, a job that fails (throws, or
 * reports items it could not do), the slack function erroring, and a temporary port rule the
 * sweep keeps failing to close. Alarms go to one SNS topic; `deploy.alarmEmail` in the stage file
 * subscribes an address to it.
 */
export const alarmTopic = new sst.aws.SnsTopic('Alarms');
if (stage.deploy.alarmEmail) {
  new aws.sns.TopicSubscription('AlarmsEmail', {
    topic: alarmTopic.arn,
    protocol: 'email',
    endpoint: stage.deploy.alarmEmail,
  });
}

const namespace = `ec2ops/${stage.name}`;
const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

function logGroupOf(fn: sst.aws.Function) {
  return fn.nodes.logGroup.apply((group) => {
    if (!group) throw new Error('ec2ops alarms read function logs: keep logging enabled');
    return group.name;
  });
}

for (const [id, queue] of [
  ['CommandsDeadLetter', commandDeadLetters],
  ['JobsDeadLetter', jobDeadLetters],
] as const) {
  new aws.cloudwatch.MetricAlarm(`${id}NotEmpty`, {
    alarmDescription: `${id}: a message failed every attempt; read it, fix the cause, then purge or redrive`,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: 'Maximum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...notify,
  });
}

new aws.cloudwatch.MetricAlarm('SlackFunctionErrors', {
  alarmDescription: 'The slack function threw: Slack users see a timeout or an error',
  namespace: 'AWS/Lambda',
  metricName: 'Errors',
  dimensions: { FunctionName: slackFunction.name },
  statistic: 'Sum',
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  ...notify,
});

for (const { job, fn } of jobs) {
  const id = pascalCase(job.name);
  const logGroupName = logGroupOf(fn);
  // pino's error level is 50 ("plan failed", "apply failed"); the report line counts items.
  new aws.cloudwatch.LogMetricFilter(`${id}FailuresFilter`, {
    logGroupName,
    pattern: '{ ($.level >= 50) || ($.report.counts.failed > 0) }',
    metricTransformation: { namespace, name: `${job.name}-failures`, value: '1' },
  });
  new aws.cloudwatch.MetricAlarm(`${id}JobFailing`, {
    alarmDescription: `${job.name}: a run failed or could not do some items; its Slack report and logs say which`,
    namespace,
    metricName: `${job.name}-failures`,
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...notify,
  });
  new aws.cloudwatch.MetricAlarm(`${id}JobErrors`, {
    alarmDescription: `${job.name}: the function threw (bad config, timeout, crash); the run went to the jobs DLQ`,
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: fn.name },
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...notify,
  });

  if (job.name === 'port-sweep') {
    // The sweep runs every minute and retries what it could not close; five failing minutes in
    // a row means a port stays open past its expiry.
    new aws.cloudwatch.LogMetricFilter('PortSweepCloseFailedFilter', {
      logGroupName,
      pattern: '{ $.report.counts.failed > 0 }',
      metricTransformation: { namespace, name: 'port-sweep-close-failed', value: '$.report.counts.failed' },
    });
    new aws.cloudwatch.MetricAlarm('PortRuleNotClosing', {
      alarmDescription:
        'A temporary security-group rule failed to close in five sweeps in a row: the port is still open',
      namespace,
      metricName: 'port-sweep-close-failed',
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      ...notify,
    });
  }
}
