import { heartbeatWindow, METRICS_NAMESPACE } from '@ec2ops/core/telemetry';
import { alarmTopic, firesOnAny } from './alarms';
import { pascalCase } from './functions';
import { jobs } from './jobs';
import { stage } from './stage';

/**
 * Alarms on ec2ops' own metrics (EMF, namespace `ec2ops`, see core/telemetry/metrics.ts): a job
 * that stopped running, a run that ran out of time, EC2 throttling a job. Each description is
 * the runbook line docs/operations.md lists and the ops channel shows; each recovers on its own.
 */
const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };
const ofJob = (job: string) => ({ namespace: METRICS_NAMESPACE, dimensions: { stage: stage.name, job } });

/** More throttled EC2 attempts than this in five minutes is more than the SDK's retries absorb quietly. */
export const EC2_THROTTLES_PER_5_MIN = 10;

export const telemetryAlarms = jobs.flatMap(({ job, settings }) => {
  const id = pascalCase(job.name);
  const alarms = [
    new aws.cloudwatch.MetricAlarm(`${id}DeadlineHit`, {
      alarmDescription: `${job.name} ran out of time and left items for the next run: raise its timeout or lower its batch sizes, and look at its EC2 throttles`,
      ...ofJob(job.name),
      metricName: 'JobDeadlineHit',
      statistic: 'Sum',
      ...firesOnAny,
    }),
    new aws.cloudwatch.MetricAlarm(`${id}Ec2Throttled`, {
      alarmDescription: `EC2 throttled ${job.name} over ${EC2_THROTTLES_PER_5_MIN} times in 5 minutes: something else spends the account's EC2 API budget, or the job's pacing is too fast`,
      ...ofJob(job.name),
      metricName: 'Ec2Throttles',
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: EC2_THROTTLES_PER_5_MIN,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...notify,
    }),
  ];
  // A disabled schedule runs nothing on purpose: no heartbeat to miss.
  if (settings.enabled) {
    const window = heartbeatWindow(settings.schedule, settings.timeZone);
    alarms.push(
      new aws.cloudwatch.MetricAlarm(`${id}Heartbeat`, {
        alarmDescription: `${job.name} has not finished a run in two schedule periods: check its schedule (enabled, target), its errors and the jobs DLQ`,
        ...ofJob(job.name),
        metricName: 'JobHeartbeat',
        statistic: 'Sum',
        period: window.periodSeconds,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // No datapoint is exactly what a job that stopped running looks like.
        treatMissingData: 'breaching',
        ...notify,
      }),
    );
  }
  return alarms;
});
