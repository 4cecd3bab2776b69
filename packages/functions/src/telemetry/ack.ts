import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Logger } from './log';
import type { Meter } from './meter';
import { lambdaContextLogging } from './middleware';

type FunctionUrlHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The slack function with its telemetry: the Lambda context on every log line, and the time
 * taken to answer Slack (AckLatency; Slack gives up at 3 s and retries) measured on the monotonic
 * clock, for the sandbox's clock can be moved while a request runs.
 */
export function withAckTelemetry(handler: FunctionUrlHandler, log: Logger, meter: Meter): FunctionUrlHandler {
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(lambdaContextLogging(log))
    .handler((event, context) => handler(event, context));
  return async (event, context) => {
    const started = performance.now();
    try {
      return await wrapped(event, context as Context);
    } finally {
      meter.emit([{ name: 'AckLatency', value: Math.round(performance.now() - started), dimensions: {} }]);
    }
  };
}
