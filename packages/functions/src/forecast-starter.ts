import type { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import { Ec2opsError } from '@ec2ops/core/errors';
import type { ForecastRequest } from '@ec2ops/core/forecast';

/**
 * How the worker asks for a forecast: the Forecast function runs for minutes (longer than the
 * worker may), so it is invoked asynchronously and posts to the channel itself.
 */
export interface ForecastStarter {
  start(request: ForecastRequest): Promise<void>;
}

/** The Forecast function could not be started (Lambda refused the invocation). */
export class ForecastNotStartedError extends Ec2opsError {
  constructor(status: number | undefined) {
    super(
      'forecast.not-started',
      `The Forecast function did not accept the request (status ${status ?? 'none'}).`,
      {
        hint: 'Try again in a minute; if it persists, check the Forecast function in the AWS console.',
      },
    );
  }
}

/**
 * Lambda's asynchronous invoke (InvocationType Event): 202 means queued, and Lambda retries it.
 * The Lambda SDK is imported, and its client built, at the first forecast: a worker's cold start
 * does not read it (a chunk of its own in the split bundle).
 */
export function lambdaForecastStarter(settings: LambdaClientConfig, functionName: string): ForecastStarter {
  let client: LambdaClient | undefined;
  return {
    async start(request) {
      const sdk = await import('@aws-sdk/client-lambda');
      client ??= new sdk.LambdaClient(settings);
      const out = await client.send(
        new sdk.InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
      if (out.StatusCode !== 202) throw new ForecastNotStartedError(out.StatusCode);
    },
  };
}
