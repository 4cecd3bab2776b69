import type { StageConfigInput } from '@ec2ops/core/config/schema';
import type { SecretName } from '@ec2ops/functions/secrets';

export interface HandlerEnvInput {
  signingSecret: string;
  botToken: string;
  botId: string;
  botUserId: string;
  slackApiUrl: string;
  queueUrl: string;
  ec2Url: string;
  sqsUrl: string;
  config: StageConfigInput;
  region: string;
  logLevel: string;
  /** The queue's redrive maxReceiveCount; the worker tells the user on the last attempt. */
  maxReceiveCount: number;
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
 * The environment the deployed functions get from infra, with the sandbox's endpoints in place
 * of AWS's and Slack's, and the Slack secrets linked (see linkedSecretVariables). Credentials
 * are dummies: the emulators accept any, and a developer's real AWS credentials must never reach
 * a handler running against the sandbox.
 */
export function handlerEnvironment(input: HandlerEnvInput): Record<string, string> {
  return {
    ...linkedSecretVariables(input.config.stage, {
      SlackBotToken: input.botToken,
      SlackSigningSecret: input.signingSecret,
    }),
    SLACK_BOT_ID: input.botId,
    SLACK_BOT_USER_ID: input.botUserId,
    SLACK_API_URL: input.slackApiUrl,
    QUEUE_URL: input.queueUrl,
    EC2OPS_CONFIG: JSON.stringify(input.config),
    AWS_ENDPOINT_URL_EC2: input.ec2Url,
    // The emulator serves the Recycle Bin API beside EC2, on the same port.
    AWS_ENDPOINT_URL_RBIN: input.ec2Url,
    AWS_ENDPOINT_URL_SQS: input.sqsUrl,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret-access-key',
    LOG_LEVEL: input.logLevel,
    QUEUE_MAX_RECEIVE_COUNT: String(input.maxReceiveCount),
  };
}

/** Variables that would send a handler somewhere else than the sandbox, removed while it runs. */
export const FOREIGN_AWS_VARIABLES = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ENDPOINT_URL',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

/** Sets the variables on process.env; returns a function that puts the old values back. */
export function applyEnvironment(vars: Record<string, string>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const name of [...Object.keys(vars), ...FOREIGN_AWS_VARIABLES]) previous.set(name, process.env[name]);
  for (const name of FOREIGN_AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
