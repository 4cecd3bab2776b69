/**
 * The metrics ec2ops emits (CloudWatch embedded metric format, namespace `ec2ops`), as data:
 * the functions emit them, infra's dashboard and alarms read the same names and dimensions, and
 * docs/operations.md lists them. Every metric also carries the `stage` dimension.
 */
export const METRICS_NAMESPACE = 'ec2ops';

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricDefinition {
  unit: MetricUnit;
  /** Dimensions besides `stage`, in the order they are emitted. */
  dimensions: readonly string[];
  description: string;
}

export const METRICS = {
  Commands: {
    unit: 'Count',
    dimensions: ['command', 'outcome'],
    description:
      'Slash commands by name and outcome: ok, refused, failed (worker); invalid, denied (slack function, never queued).',
  },
  Approvals: {
    unit: 'Count',
    dimensions: ['decision'],
    description: 'Approval decisions recorded: approved or rejected.',
  },
  AckLatency: {
    unit: 'Milliseconds',
    dimensions: [],
    description: 'Time the slack function took to answer Slack (which gives up after 3 s).',
  },
  JobHeartbeat: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'One per job run that went through all of its items (item failures included).',
  },
  JobDeadlineHit: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'One per job run that ran out of time and left items for the next run.',
  },
  JobItemsActedOn: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'Items a job changed (applied runs only).',
  },
  JobItemsFailed: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'Items a job could not act on.',
  },
  Ec2Calls: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'EC2 API calls a job run made (retries not counted).',
  },
  Ec2Throttles: {
    unit: 'Count',
    dimensions: ['job'],
    description: 'EC2 attempts answered with a throttling error during a job run.',
  },
  SavingsUsdPerMonth: {
    unit: 'None',
    dimensions: ['job'],
    description:
      'US dollars per month a run saved (released Elastic IPs, reclaimed snapshot storage), as the job report prices it.',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

/** One value to emit, with its dimensions besides `stage`. */
export interface MetricPoint {
  name: MetricName;
  value: number;
  dimensions: Record<string, string>;
}

/** How a command ended, as the Commands metric counts it. */
export type CommandOutcome = 'ok' | 'refused' | 'failed' | 'invalid' | 'denied';

export const commandMetric = (command: string, outcome: CommandOutcome): MetricPoint => ({
  name: 'Commands',
  value: 1,
  dimensions: { command, outcome },
});

export const approvalMetric = (decision: 'approved' | 'rejected'): MetricPoint => ({
  name: 'Approvals',
  value: 1,
  dimensions: { decision },
});
