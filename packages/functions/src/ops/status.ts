import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, type QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import type { StageConfig } from '@ec2ops/core/config';
import { JOB_NAMES } from '@ec2ops/core/job-catalog';
import { jobStatuses, type OpenAlarm, type QueueStatus, type Read, type StatusView } from '@ec2ops/core/ops';
import { type JobRuns, jobRuns } from '../coordination/job-runs';
import type { CoordinationTable } from '../coordination/table';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { awsClientSettings, type Root } from '../root';

/**
 * Where `/ec2 status` reads its facts; each is optional so a stage (or a test) without one shows
 * "could not be read" for it rather than failing. The worker's root builds them (worker/root.ts).
 */
export interface StatusSources {
  runs?: JobRuns | undefined;
  queues?:
    | {
        sqs: SQSClient;
        queues: { label: string; url: string }[];
        /** Where the oldest message's age is read (AWS/SQS ApproximateAgeOfOldestMessage); none: depth only. */
        cloudwatch?: CloudWatchClient | undefined;
      }
    | undefined;
  /** DescribeAlarms StateValue=ALARM; this stage's are those that notify its alarm topic. */
  alarms?: { cloudwatch: CloudWatchClient; topicArn: string } | undefined;
}

async function read<T>(what: string, run: (() => Promise<T>) | undefined): Promise<Read<T>> {
  if (!run) return { ok: false, error: `no ${what} configured for this stage` };
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: `${awsErrorCode(error)}: ${awsErrorMessage(error)}` };
  }
}

/**
 * The oldest message's age is a CloudWatch metric (published each minute), not a queue attribute:
 * the latest Maximum of the last five minutes. Unknown (undefined) when CloudWatch has no datapoint
 * or cannot be read: the depth is still worth showing.
 */
async function oldestAgeSeconds(
  cloudwatch: CloudWatchClient,
  queueUrl: string,
  nowMs: number,
): Promise<number | undefined> {
  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  try {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(nowMs - 5 * 60_000),
        EndTime: new Date(nowMs),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: 'age',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SQS',
                MetricName: 'ApproximateAgeOfOldestMessage',
                Dimensions: [{ Name: 'QueueName', Value: queueName }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    const value = out.MetricDataResults?.[0]?.Values?.[0];
    return value === undefined ? undefined : Math.round(value);
  } catch {
    return undefined;
  }
}

async function queueStatus(
  sqs: SQSClient,
  q: { label: string; url: string },
  cloudwatch: CloudWatchClient | undefined,
  nowMs: number,
): Promise<QueueStatus> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: q.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const n = (name: QueueAttributeName) => Number(out.Attributes?.[name] ?? '0') || 0;
  return {
    label: q.label,
    visible: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    oldestAgeSeconds: cloudwatch ? await oldestAgeSeconds(cloudwatch, q.url, nowMs) : undefined,
  };
}

async function openAlarms(cloudwatch: CloudWatchClient, topicArn: string): Promise<OpenAlarm[]> {
  const alarms: OpenAlarm[] = [];
  let next: string | undefined;
  do {
    const out = await cloudwatch.send(
      new DescribeAlarmsCommand({
        StateValue: 'ALARM',
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        NextToken: next,
      }),
    );
    for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
      // Alarm names are generated per resource; what makes one this stage's is where it notifies.
      if (!a.AlarmActions?.includes(topicArn)) continue;
      alarms.push({
        name: a.AlarmName ?? '?',
        since: (a.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
        reason: a.StateReason ?? '',
      });
    }
    next = out.NextToken;
  } while (next);
  return alarms;
}

/**
 * The worker's sources from its root: the coordination table's run records, STATUS_QUEUE_URL and
 * STATUS_DLQ_URL, ALARM_TOPIC_ARN (infra/status.ts sets them; the sandbox too).
 */
export function statusSourcesFromRoot(root: Root, table: CoordinationTable | undefined): StatusSources {
  const env = root.env;
  const queues = [
    { label: 'requests', url: env['STATUS_QUEUE_URL'] },
    { label: 'dead letters', url: env['STATUS_DLQ_URL'] },
  ].filter((q): q is { label: string; url: string } => Boolean(q.url));
  const topicArn = env['ALARM_TOPIC_ARN'];
  // Only when something reads it: the worker builds this at every cold start.
  const cloudwatch =
    queues.length || topicArn
      ? new CloudWatchClient(awsClientSettings(root, root.endpoints.cloudwatch))
      : undefined;
  return {
    runs: table ? jobRuns(table) : undefined,
    queues: queues.length
      ? { sqs: new SQSClient(awsClientSettings(root, root.endpoints.sqs)), queues, cloudwatch }
      : undefined,
    alarms: topicArn && cloudwatch ? { cloudwatch, topicArn } : undefined,
  };
}

/** Gathers what `/ec2 status` shows, each source on its own so one failing leaves the others. */
export async function gatherStatus(
  sources: StatusSources | undefined,
  config: StageConfig,
  nowMs: number,
): Promise<StatusView> {
  const runs = await read('coordination table', sources?.runs && (() => sources.runs!.last(JOB_NAMES)));
  const queues = sources?.queues;
  const alarms = sources?.alarms;
  return {
    nowMs,
    jobs: jobStatuses(config, runs.ok ? runs.value : new Map(), nowMs),
    runsError: runs.ok ? undefined : runs.error,
    queues: await read(
      'queue',
      queues &&
        (() => Promise.all(queues.queues.map((q) => queueStatus(queues.sqs, q, queues.cloudwatch, nowMs)))),
    ),
    alarms: await read('alarms', alarms && (() => openAlarms(alarms.cloudwatch, alarms.topicArn))),
  };
}
