import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';

/** The SDK types the rest of functions/ names; only this folder imports the SDK itself. */
export type { EC2Client, Filter } from '@aws-sdk/client-ec2';

/**
 * The one way ec2ops builds an EC2 client: the worker, the jobs, `ec2ops job run` and the
 * sandbox all go through here, so they share one retry policy. EC2 throttles per account and
 * action; adaptive mode retries and also slows the client down once it sees throttling.
 */
export const EC2_MAX_ATTEMPTS = 10;

export interface Ec2ClientOptions {
  /** Explicit endpoint (the sandbox's emulator); otherwise the SDK reads `AWS_ENDPOINT_URL_EC2`. */
  endpoint?: string | undefined;
  credentials?: EC2ClientConfig['credentials'] | undefined;
  /** Replaces the adaptive retry strategy (tests against an emulator: the same attempts, no back-off). */
  retryStrategy?: EC2ClientConfig['retryStrategy'] | undefined;
}

export function ec2Client(region: string, options: Ec2ClientOptions = {}): EC2Client {
  return new EC2Client({
    region,
    retryMode: 'adaptive',
    maxAttempts: EC2_MAX_ATTEMPTS,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  });
}

/** A client per region, built on first use and reused for the life of the process. */
export type Ec2ClientsByRegion = (region: string) => EC2Client;

export function ec2ClientsByRegion(
  options: Ec2ClientOptions = {},
  make: (region: string) => EC2Client = (region) => ec2Client(region, options),
): Ec2ClientsByRegion {
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

/** The worker's view: the stage's regions and their clients (the first region when none is named). */
export interface Ec2Gateway {
  client(region?: string): EC2Client;
  readonly regions: readonly string[];
}

export function ec2Gateway(regions: readonly string[], clients: Ec2ClientsByRegion): Ec2Gateway {
  return { regions, client: (region = regions[0]!) => clients(region) };
}
