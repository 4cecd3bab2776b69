import { parseStageConfig, type StageConfig } from '@ec2ops/core/config';
import { ConfigError, isEc2opsError } from '@ec2ops/core/errors';
import { describePolicySize, policySizeProblems, stagePolicies } from '@ec2ops/core/iam';
import { dev } from './dev';
import { production } from './production';
import type { DeploySettings, StageDefinition } from './types';

/** Every deployable stage. To add one: copy dev.ts to `<name>.ts` and list it here. */
export const STAGES: Record<string, StageDefinition> = { dev, production };

/**
 * Lambda allows 4 KB of environment variables in all; the config travels in one of them
 * (`EC2OPS_CONFIG`) beside the secrets and the queue URL.
 */
export const MAX_CONFIG_BYTES = 3_500;

export interface LoadedStage {
  name: string;
  /** Validated, with every default filled in. */
  config: StageConfig;
  deploy: DeploySettings;
  /** What the functions receive as `EC2OPS_CONFIG` (the stage file as written; defaults are applied at cold start). */
  configJson: string;
}

/**
 * Loads and validates a stage when `sst.config.ts` is evaluated, so a bad setting stops the
 * deploy before anything is created. Errors carry their fix in the message: SST prints only it.
 */
export function loadStage(name: string, stages: Record<string, StageDefinition> = STAGES): LoadedStage {
  const definition = stages[name];
  if (!definition) {
    throw new ConfigError(
      `There is no stage "${name}" (known: ${Object.keys(stages).sort().join(', ')}). ` +
        `Create infra/stages/${name}.ts (copy dev.ts) and list it in infra/stages/index.ts.`,
    );
  }
  let config: StageConfig;
  try {
    config = parseStageConfig(definition.config);
  } catch (error) {
    if (!isEc2opsError(error)) throw error;
    throw new ConfigError(`infra/stages/${name}.ts: ${error.message}\n${error.hint ?? ''}`.trimEnd(), {
      cause: error,
    });
  }
  if (config.stage !== name) {
    throw new ConfigError(`infra/stages/${name}.ts says stage "${config.stage}"; it must say "${name}".`);
  }
  const configJson = JSON.stringify(definition.config);
  const bytes = Buffer.byteLength(configJson);
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `infra/stages/${name}.ts is ${bytes} bytes as JSON; Lambda environments hold ${MAX_CONFIG_BYTES}. ` +
        'Grant roles to Slack user groups instead of listing many users one by one.',
    );
  }
  const tooBig = policySizeProblems(stagePolicies(config).policies);
  if (tooBig.length) {
    throw new ConfigError(
      `infra/stages/${name}.ts: ${tooBig.map(describePolicySize).join(' ')} ` +
        'Choose access groups by tag (access.groups.tags) instead of listing ids, or deploy fewer regions per stage.',
    );
  }
  return { name, config, deploy: definition.deploy ?? {}, configJson };
}

/** Read by `app()` before anything is validated: an unknown stage is simply not production. */
export function isProductionStage(name: string | undefined): boolean {
  return name !== undefined && STAGES[name]?.config.production === true;
}
