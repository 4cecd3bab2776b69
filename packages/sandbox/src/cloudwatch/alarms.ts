import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../slack/http';

/**
 * The alarms the sandbox has fired and not yet recovered, behind the one CloudWatch call ec2ops
 * makes: DescribeAlarms, over CloudWatch's JSON 1.0 protocol (`x-amz-target:
 * GraniteServiceVersion20100801.DescribeAlarms`), so `/ec2 status` reads them through the real
 * @aws-sdk/client-cloudwatch. The sandbox has no metrics to evaluate; an alarm here is what
 * `/_emulator/alarm` (or the console's alarm control) fired into the alarm topic, which is
 * exactly what a person testing the alarm path expects `/ec2 status` to show.
 */
export interface StoredAlarm {
  name: string;
  state: 'ALARM' | 'OK';
  reason: string;
  description: string;
  /** Epoch ms of the last state change. */
  updatedAt: number;
  /** The topic it notifies: what makes it the stage's (functions/ops/status.ts filters on it). */
  actions: string[];
}

export class AlarmStore {
  private readonly alarms = new Map<string, StoredAlarm>();

  set(alarm: StoredAlarm): void {
    this.alarms.set(alarm.name, alarm);
  }

  list(state?: StoredAlarm['state']): StoredAlarm[] {
    return [...this.alarms.values()].filter((a) => state === undefined || a.state === state);
  }
}

const TARGET = 'GraniteServiceVersion20100801.';

/**
 * A metric's current value as the sandbox knows it (no history is kept: the sandbox evaluates no
 * metrics over time), or undefined when it has none. The sandbox answers
 * AWS/SQS ApproximateAgeOfOldestMessage from its SQS emulator, which `/ec2 status` reads.
 */
export type MetricSource = (metric: {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}) => number | undefined;

interface MetricDataQuery {
  Id?: string;
  MetricStat?: {
    Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] };
  };
}

/** GetMetricData: one datapoint per query at EndTime, from the metric source; none when it has none. */
function metricData(body: Record<string, unknown>, metrics: MetricSource | undefined): unknown {
  const queries = Array.isArray(body['MetricDataQueries'])
    ? (body['MetricDataQueries'] as MetricDataQuery[])
    : [];
  const end = typeof body['EndTime'] === 'number' ? body['EndTime'] : Date.now() / 1000;
  return {
    MetricDataResults: queries.map((q) => {
      const metric = q.MetricStat?.Metric;
      const value = metric
        ? metrics?.({
            namespace: metric.Namespace ?? '',
            name: metric.MetricName ?? '',
            dimensions: Object.fromEntries(
              (metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']),
            ),
          })
        : undefined;
      return {
        Id: q.Id,
        Label: metric?.MetricName ?? q.Id,
        Timestamps: value === undefined ? [] : [end],
        Values: value === undefined ? [] : [value],
        StatusCode: 'Complete',
      };
    }),
    Messages: [],
  };
}

/**
 * Answers DescribeAlarms (StateValue, AlarmNamePrefix, AlarmNames) and GetMetricData (from
 * `metrics`); any other CloudWatch call is refused.
 */
export function createCloudWatchHandler(
  store: AlarmStore,
  metrics?: MetricSource,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET)) return false;
    const operation = target.slice(TARGET.length);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      send(res, 400, { __type: 'InvalidParameterValue', message: 'The body is not JSON.' });
      return true;
    }
    if (operation === 'GetMetricData') {
      send(res, 200, metricData(body, metrics));
      return true;
    }
    if (operation !== 'DescribeAlarms') {
      send(res, 400, {
        __type: 'InvalidAction',
        message: `The sandbox's CloudWatch answers DescribeAlarms and GetMetricData only, not ${operation}.`,
      });
      return true;
    }
    const state = body['StateValue'];
    const prefix = typeof body['AlarmNamePrefix'] === 'string' ? body['AlarmNamePrefix'] : '';
    const names = Array.isArray(body['AlarmNames']) ? (body['AlarmNames'] as string[]) : undefined;
    const alarms = store
      .list()
      .filter((a) => state === undefined || a.state === state)
      .filter((a) => a.name.startsWith(prefix) && (!names || names.includes(a.name)));
    send(res, 200, {
      MetricAlarms: alarms.map((a) => ({
        AlarmName: a.name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.name}`,
        AlarmDescription: a.description,
        StateValue: a.state,
        StateReason: a.reason,
        // JSON 1.0 timestamps are epoch seconds.
        StateUpdatedTimestamp: a.updatedAt / 1000,
        AlarmActions: a.actions,
        OKActions: a.actions,
        ActionsEnabled: true,
      })),
      CompositeAlarms: [],
    });
    return true;
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

export interface CloudWatchEmulator {
  url: string;
  store: AlarmStore;
  close(): Promise<void>;
}

/** On its own port (tests; the sandbox mounts the handler on its front). */
export async function startCloudWatchEmulator(
  options: { port?: number; host?: string; metrics?: MetricSource } = {},
): Promise<CloudWatchEmulator> {
  const host = options.host ?? '127.0.0.1';
  const store = new AlarmStore();
  const handle = createCloudWatchHandler(store, options.metrics);
  const server: Server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled)
          send(res, 404, { __type: 'InvalidAction', message: `No route ${req.method} ${req.url}` });
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { __type: 'InternalFailure', message: String(error) });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
