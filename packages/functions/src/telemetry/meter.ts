import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, type MetricPoint } from '@ec2ops/core/telemetry';

/** Where ec2ops' metrics go: CloudWatch embedded metric format on stdout, or nowhere. */
export interface Meter {
  /** Publishes now: one EMF line per set of dimensions, every one with `stage`. */
  emit(points: MetricPoint[]): void;
}

export const noMeter: Meter = { emit: () => {} };

type Env = Record<string, string | undefined>;

/**
 * Powertools Metrics in namespace `ec2ops`, the only default dimension `stage` (Powertools' own
 * `service` dimension is dropped: an alarm names every dimension of the metric it watches, and
 * one constant more would only have to be repeated everywhere). EC2OPS_METRICS=off, or
 * LOG_LEVEL=silent, writes nothing (tests and the sandbox's quiet default).
 */
export function createMeter(env: Env, stage: string): Meter {
  const setting = env['EC2OPS_METRICS'] ?? (env['LOG_LEVEL'] === 'silent' ? 'off' : 'emf');
  if (setting === 'off') return noMeter;
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2ops' });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ stage });
  return {
    emit(points) {
      // Synchronous from the first add to the publish: concurrent requests never mix their points.
      for (const group of byDimensions(points)) {
        if (Object.keys(group.dimensions).length) metrics.addDimensions(group.dimensions);
        for (const point of group.points)
          metrics.addMetric(point.name, METRICS[point.name].unit, point.value);
        metrics.publishStoredMetrics();
      }
    },
  };
}

function byDimensions(points: MetricPoint[]) {
  const groups = new Map<string, { dimensions: Record<string, string>; points: MetricPoint[] }>();
  for (const point of points) {
    const key = JSON.stringify(Object.entries(point.dimensions).sort());
    const group = groups.get(key) ?? { dimensions: point.dimensions, points: [] };
    group.points.push(point);
    groups.set(key, group);
  }
  return groups.values();
}
