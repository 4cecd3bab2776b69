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
};

export const logging = { retention: stage.deploy.logRetention ?? '1 month', format: 'text' } as const;
