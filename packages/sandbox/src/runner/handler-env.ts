import type { StageConfigInput } from '@ec2ops/core/config';
import type { SecretName } from '@ec2ops/functions/secrets';

export interface HandlerEnvInput {
  botId: string;
  botUserId: string;
  queueUrl: string;
  config: StageConfigInput;
  logLevel: string;
  /** The queue's redrive maxReceiveCount; the worker tells the user on the last attempt. */
  maxReceiveCount: number;
  /** EMF metric lines on stdout, as deployed (`emf`); default `off`, so the terminal stays readable. */
  metrics?: 'emf' | 'off' | undefined;
}

/** The app name in sst.config.ts, which SST gives every function as `SST_RESOURCE_App`. */
const SST_APP = 'ec2ops';

/**
 * Secrets linked as SST links them to a process it runs outside Lambda (`sst dev`): each as
 * `SST_RESOURCE_<Name>`, the link's properties as JSON, with `SST_RESOURCE_App`. SST's runtime
 * SDK reads these as it reads the encrypted `resource.enc` on Lambda, so the handlers take their
 * secrets the same way here as deployed.
 */
export function linkedSecretVariables(
  stage: string,
  secrets: Partial<Record<SecretName, string>>,
): Record<string, string> {
  const vars: Record<string, string> = {
    SST_RESOURCE_App: JSON.stringify({ name: SST_APP, stage }),
  };
  for (const [name, value] of Object.entries(secrets)) {
    if (value !== undefined) vars[`SST_RESOURCE_${name}`] = JSON.stringify({ value, type: 'sst.sst.Secret' });
  }
  return vars;
}

/**
 * The plain settings the deployed functions get from infra, as the sandbox's values. They are
 * handed to the composition root as a record: the sandbox never writes them (nor secrets,
 * endpoints or credentials, which the root takes as arguments) into process.env.
 */
export function handlerEnvironment(input: HandlerEnvInput): Record<string, string> {
  return {
    SLACK_BOT_ID: input.botId,
    SLACK_BOT_USER_ID: input.botUserId,
    QUEUE_URL: input.queueUrl,
    EC2OPS_CONFIG: JSON.stringify(input.config),
    LOG_LEVEL: input.logLevel,
    QUEUE_MAX_RECEIVE_COUNT: String(input.maxReceiveCount),
    EC2OPS_METRICS: input.metrics ?? 'off',
  };
}
