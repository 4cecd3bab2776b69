import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';

/** Attempts per call: EC2 throttles per account and action; adaptive mode also slows the client down. */
export const EC2_MAX_ATTEMPTS = 10;

export interface Ec2ClientOptions {
  /** Explicit endpoint; otherwise the SDK reads `AWS_ENDPOINT_URL_EC2` / `AWS_ENDPOINT_URL` itself. */
  endpoint?: string | undefined;
  credentials?: EC2ClientConfig['credentials'];
  maxAttempts?: number;
  /** Replaces the adaptive retry strategy (tests against an emulator: the same attempts, no back-off). */
  retryStrategy?: EC2ClientConfig['retryStrategy'];
}

/** `make` runs once per region, on first use; its client is reused for the life of the process. */
export function oncePerRegion(make: (region: string) => EC2Client): (region: string) => EC2Client {
  const clients = new Map<string, EC2Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}

/** The jobs' EC2 clients: one per region (adaptive retry, EC2_MAX_ATTEMPTS), built on first use. */
export function ec2ClientsByRegion(options: Ec2ClientOptions = {}): (region: string) => EC2Client {
  return oncePerRegion(
    (region) =>
      new EC2Client({
        region,
        retryMode: 'adaptive',
        maxAttempts: options.maxAttempts ?? EC2_MAX_ATTEMPTS,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
      }),
  );
}

export interface CallCounter {
  /** Calls the code made, by operation (`DescribeAddresses`…). */
  calls: Record<string, number>;
  /** HTTP attempts including the SDK's retries. */
  attempts: number;
  total(): number;
}

/**
 * Counts calls and attempts on a client (for benches and tests): `initialize` runs once per
 * call, `deserialize` once per attempt (it sits inside the retry loop).
 */
export function countCalls(client: EC2Client, counter: CallCounter = newCallCounter()): CallCounter {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counter.calls[name] = (counter.calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'ec2opsCountCalls' },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      counter.attempts += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'ec2opsCountAttempts' },
  );
  return counter;
}

export function newCallCounter(): CallCounter {
  return {
    calls: {},
    attempts: 0,
    total() {
      return Object.values(this.calls).reduce((a, b) => a + b, 0);
    },
  };
}
