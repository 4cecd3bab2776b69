import { alarmTopic } from './alarm-topic';
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
export { alarmTopic };

if (stage.deploy.alarmEmail) {
  new aws.sns.TopicSubscription('AlarmsEmail', {
    topic: alarmTopic.arn,
    protocol: 'email',
    endpoint: stage.deploy.alarmEmail,
  });
}

const namespace = `ec2ops/${stage.name}`;
const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };
/** Every alarm here pages on the first datapoint above zero in a five-minute period. */
export const firesOnAny = {
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  ...notify,
};

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
    ...firesOnAny,
  });
}

new aws.cloudwatch.MetricAlarm('SlackFunctionErrors', {
  alarmDescription: 'The slack function threw: Slack users see a timeout or an error',
  namespace: 'AWS/Lambda',
  metricName: 'Errors',
  dimensions: { FunctionName: slackFunction.name },
  statistic: 'Sum',
  ...firesOnAny,
});

for (const { job, fn } of jobs) {
  const id = pascalCase(job.name);
  const logGroupName = logGroupOf(fn);
  // Powertools writes the level by name ("plan failed", "apply failed" are ERROR); the report line counts items.
  new aws.cloudwatch.LogMetricFilter(`${id}FailuresFilter`, {
    logGroupName,
    pattern: '{ ($.level = "ERROR") || ($.level = "CRITICAL") || ($.report.counts.failed > 0) }',
    metricTransformation: { namespace, name: `${job.name}-failures`, value: '1' },
  });
  new aws.cloudwatch.MetricAlarm(`${id}JobFailing`, {
    alarmDescription: `${job.name}: a run failed or could not do some items; its Slack report and logs say which`,
    namespace,
    metricName: `${job.name}-failures`,
    statistic: 'Sum',
    ...firesOnAny,
  });
  new aws.cloudwatch.MetricAlarm(`${id}JobErrors`, {
    alarmDescription: `${job.name}: the function threw (bad config, timeout, crash); the run went to the jobs DLQ`,
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: fn.name },
    statistic: 'Sum',
    ...firesOnAny,
  });

  if (job.name === 'port-sweep') {
    // The sweep counts failed closes on the rule itself (close-failures tag) and, past
    // `access.maxCloseFailures`, logs `port-rule-not-closing`: the port is still open.
    new aws.cloudwatch.LogMetricFilter('PortRuleNotClosingFilter', {
      logGroupName,
      pattern: '{ $.event = "port-rule-not-closing" }',
      metricTransformation: { namespace, name: 'port-rule-not-closing', value: '1' },
    });
    new aws.cloudwatch.MetricAlarm('PortRuleNotClosing', {
      alarmDescription:
        'A temporary security-group rule failed to close more than access.maxCloseFailures times: the port is still open; close it by hand',
      namespace,
      metricName: 'port-rule-not-closing',
      statistic: 'Sum',
      ...firesOnAny,
    });
  }
}
