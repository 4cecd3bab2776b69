import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { METRICS_NAMESPACE } from '@ec2ops/core/telemetry';
import { jobs } from './jobs';
import { expiryFunction } from './ops';
import { commandDeadLetters, commandQueue } from './queue';
import { slackFunction, workerFunction } from './slack';
import { stage } from './stage';

/**
 * One CloudWatch dashboard per stage, `ec2ops-<stage>`, from ec2ops' own metrics (EMF, see
 * core/telemetry/metrics.ts) and AWS's: commands by outcome, errors, queue age, ack latency, job
 * runs, EC2 calls and throttles, savings. Commands are found with SEARCH so a new command shows
 * without a redeploy.
 */
const region = aws.getRegionOutput({}).name;
const ns = METRICS_NAMESPACE;
const S = stage.name;

type Widget = {
  title: string;
  metrics: unknown[];
  stat?: string;
  period?: number;
  view?: string;
  stacked?: boolean;
};

const search = (id: string, query: string, stat: string, period = 300) => [
  { expression: `SEARCH('${query}', '${stat}', ${period})`, id, label: '' },
];
const perJob = (metric: string) =>
  JOB_DEFINITIONS.map((j) => [ns, metric, 'job', j.name, 'stage', S, { label: j.name }]);

export const dashboard = new aws.cloudwatch.Dashboard('Dashboard', {
  dashboardName: `ec2ops-${S}`,
  dashboardBody: $resolve({
    region,
    slack: slackFunction.name,
    worker: workerFunction.name,
    expire: expiryFunction.name,
    jobFunctions: $resolve(jobs.map((j) => j.fn.name)),
    queue: commandQueue.nodes.queue.name,
    dlq: commandDeadLetters.nodes.queue.name,
  }).apply((v) => {
    const widgets: Widget[] = [
      {
        title: 'Commands by outcome',
        metrics: [
          search('commands', `{${ns},command,outcome,stage} MetricName="Commands" stage="${S}"`, 'Sum'),
        ],
        stacked: true,
      },
      {
        title: 'Errors',
        metrics: [
          search(
            'failed',
            `{${ns},command,outcome,stage} MetricName="Commands" outcome="failed" stage="${S}"`,
            'Sum',
          ),
          ...[v.slack, v.worker, v.expire, ...v.jobFunctions].map((name) => [
            'AWS/Lambda',
            'Errors',
            'FunctionName',
            name,
          ]),
          ...perJob('JobItemsFailed'),
        ],
        stat: 'Sum',
      },
      {
        title: 'Queue: oldest command (s) and dead letters',
        metrics: [
          ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', v.queue, { stat: 'Maximum' }],
          [
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            'QueueName',
            v.dlq,
            { stat: 'Maximum', yAxis: 'right' },
          ],
        ],
      },
      {
        title: 'Ack latency to Slack (ms): p50, p99; Slack gives up at 3000',
        metrics: [
          [ns, 'AckLatency', 'stage', S, { stat: 'p50' }],
          [ns, 'AckLatency', 'stage', S, { stat: 'p99' }],
        ],
      },
      {
        title: 'Approvals',
        metrics: [search('approvals', `{${ns},decision,stage} MetricName="Approvals" stage="${S}"`, 'Sum')],
      },
      { title: 'Job runs (heartbeats)', metrics: perJob('JobHeartbeat'), stat: 'Sum', period: 3600 },
      {
        title: 'Job runs that hit their deadline',
        metrics: perJob('JobDeadlineHit'),
        stat: 'Sum',
        period: 3600,
      },
      {
        title: 'Items acted on',
        metrics: perJob('JobItemsActedOn'),
        stat: 'Sum',
        period: 3600,
        stacked: true,
      },
      {
        title: 'EC2 calls and throttles by job',
        metrics: [
          ...perJob('Ec2Calls'),
          ...perJob('Ec2Throttles').map((m) => [
            ...m.slice(0, -1),
            { label: `${m[3]} throttled`, yAxis: 'right' },
          ]),
        ],
        stat: 'Sum',
      },
      {
        title: 'Savings (USD per month saved, per day)',
        metrics: perJob('SavingsUsdPerMonth'),
        stat: 'Sum',
        period: 86_400,
        stacked: true,
      },
    ];
    return JSON.stringify({
      widgets: widgets.map((w, i) => ({
        type: 'metric',
        width: 12,
        height: 6,
        x: (i % 2) * 12,
        y: Math.floor(i / 2) * 6,
        properties: {
          title: w.title,
          region: v.region,
          view: w.view ?? 'timeSeries',
          stacked: w.stacked ?? false,
          stat: w.stat ?? 'Sum',
          period: w.period ?? 300,
          metrics: w.metrics,
        },
      })),
    });
  }),
});
