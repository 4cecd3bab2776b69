import { loadStage } from './stages';

/**
 * The stage's settings, validated now: a bad setting stops `sst deploy` before any resource is
 * created. The functions receive them as `EC2OPS_CONFIG` and validate them again at cold start.
 */
export const stage = loadStage($app.stage);

/** Environment every function gets. */
export const baseEnvironment: Record<string, string> = {
  EC2OPS_CONFIG: stage.configJson,
  LOG_LEVEL: 'info',
  // Debug lines for 1 % of invocations (Powertools' sampling, drawn per invocation).
  LOG_DEBUG_SAMPLE_RATE: '0.01',
  // Metrics as CloudWatch embedded metric format on stdout (packages/functions/src/telemetry/meter.ts).
  EC2OPS_METRICS: 'emf',
};

export const logging = { retention: stage.deploy.logRetention ?? '1 month', format: 'text' } as const;
