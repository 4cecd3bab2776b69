import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import { type Logger, powertoolsOf } from './log';

/**
 * Powertools' injectLambdaContext for an ec2ops Logger: every line of the invocation carries the
 * Lambda request id, function name and cold-start flag; debug sampling is re-drawn per
 * invocation; keys added for one invocation (the correlation id) are dropped after it. A call
 * without a Lambda context (a unit test calling the handler directly) is left as it is.
 */
export function lambdaContextLogging(log: Logger): MiddlewareObj {
  const logger = powertoolsOf(log);
  // middy refuses a middleware with no hook at all.
  if (!logger) return { before: () => undefined };
  const inject = injectLambdaContext(logger, { resetKeys: true }) as Required<
    Pick<MiddlewareObj, 'before' | 'after' | 'onError'>
  >;
  return {
    before: (request) => (request.context?.awsRequestId ? inject.before(request) : undefined),
    after: (request) => (request.context?.awsRequestId ? inject.after(request) : undefined),
    onError: (request) => (request.context?.awsRequestId ? inject.onError(request) : undefined),
  };
}
