import type AppType from '@slack/bolt/dist/App';
import * as appModule from '@slack/bolt/dist/App';
import type AwsLambdaReceiverType from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import * as receiverModule from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { Logger as BoltLogger } from '@slack/logger';
import { LogLevel } from '@slack/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { admissionResponse, type ReplayCache } from '../coordination/replay';
import { createRoleResolver, type RoleResolver } from '../roles';
import type { Logger } from '../telemetry/log';
import type { SlackDeps } from './deps';
import { checkInteractionPayload } from './interaction-payload';
import { registerListeners } from './listeners/index';
import { verifySlackRequest } from './verify';

/**
 * Bolt's App and receiver are imported from their own modules, not the package index, which
 * would also load Express, OAuth and Socket Mode into this function. They are CommonJS default
 * exports: Node's ESM loader wraps them once more than bundlers do.
 */
function cjsDefault<T>(module: { default: T }): T {
  const value = module.default as unknown as { default?: T };
  return (value && typeof value === 'object' && 'default' in value ? value.default : module.default) as T;
}
const AppClass = cjsDefault(appModule as unknown as { default: typeof AppType });
const AwsLambdaReceiver = cjsDefault(receiverModule as unknown as { default: typeof AwsLambdaReceiverType });

export interface SlackAppOptions {
  signingSecret: string;
  botToken: string;
  slackApiUrl?: string | undefined;
  /** Given so that Bolt never calls auth.test (at start-up or on the first request). */
  botId: string;
  botUserId: string;
  deps: Omit<SlackDeps, 'roles'> & { roles?: RoleResolver };
  /** Each signed request accepted once, Slack's retries acked (coordination/replay.ts). */
  replay?: ReplayCache | undefined;
}

export type FunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The slack function: our own request check (verify.ts) in front of Bolt's AwsLambdaReceiver,
 * then the listeners.
 */
export function createSlackHandler(options: SlackAppOptions): FunctionUrlHandler {
  const { deps } = options;
  const receiver = new AwsLambdaReceiver({
    signingSecret: options.signingSecret,
    // Verified once, by verify.ts, against the root's clock: Bolt's check reads the process clock,
    // which is not the sandbox's once its time has been moved forward.
    signatureVerification: false,
    logger: boltLogger(deps.logger),
  });
  const app = new AppClass({
    receiver,
    token: options.botToken,
    botId: options.botId,
    botUserId: options.botUserId,
    tokenVerificationEnabled: false,
    // No conversation state: ec2ops keeps none between requests (and an in-memory store only grows).
    convoStore: false,
    logger: boltLogger(deps.logger),
    // views.open and usergroups.users.list must answer well inside Slack's 3 seconds: no retries.
    clientOptions: {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      timeout: 2000,
    },
  });
  const roles =
    deps.roles ?? createRoleResolver({ config: deps.config, client: app.client, logger: deps.logger });
  registerListeners(app, { ...deps, roles });
  const bolt = receiver.toHandler();
  return async (event, context) => {
    const verified = verifySlackRequest(event, options.signingSecret, deps.clock.now().getTime());
    if (!verified.ok) {
      deps.logger.warn(
        { reason: verified.reason, status: verified.response.statusCode },
        'refused a request before Bolt',
      );
      return verified.response;
    }
    const payload = checkInteractionPayload(verified.event.body ?? '');
    if (!payload.ok) {
      // Signed by Slack but unreadable: refused as bad input (400), audited, never a throw.
      await deps.auditor.record({
        event: 'denied',
        requestId: deps.newRequestId(),
        at: deps.clock.now(),
        stage: deps.config.stage,
        user: payload.user ?? 'unknown',
        result: 'refused',
        code: 'request.bad-payload',
        message: payload.reason,
      });
      return { statusCode: 400, headers: { 'content-type': 'text/plain' }, body: payload.reason };
    }
    const admission = options.replay ? await options.replay.admit(verified.event, deps.clock.now()) : 'first';
    if (admission !== 'first') {
      deps.logger.warn({ admission }, 'a request seen before was not handled again');
      return admissionResponse(admission);
    }
    const response = (await bolt(
      verified.event as never,
      context as never,
    )) as APIGatewayProxyStructuredResultV2;
    // Bolt answers after its listener ran (the enqueue, or the refusal told to the user). A 5xx
    // is not an answer Slack accepts: it retries, and the retry must be handled, not acked.
    if (options.replay && (response.statusCode ?? 200) < 500) {
      try {
        await options.replay.accepted(verified.event);
      } catch (error) {
        // Slack has its answer and will not retry: only a retry after a crash would be handled twice.
        deps.logger.warn({ err: error }, 'could not mark the request accepted');
      }
    }
    return response;
  };
}

/** Bolt logs through ec2ops' logger, at warn and above unless LOG_LEVEL says debug. */
function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.WARN;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
