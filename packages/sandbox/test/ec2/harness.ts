import { EC2Client } from '@aws-sdk/client-ec2';
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from '../../src/ec2/server';

/**
 * An emulator on a free loopback port with short transition delays (so waiters finish fast),
 * and SDK clients pointed at it with retries off unless asked (errors surface at once).
 */
export const FAST_DELAYS = {
  instancePending: 150,
  instanceStopping: 150,
  instanceShuttingDown: 150,
  imagePending: 200,
  snapshotPending: 150,
};

export interface TestEmulator {
  emulator: Ec2Emulator;
  url: string;
  ec2: EC2Client;
  /** Another client: a region, or a region and SDK attempts (default us-east-1, 1 attempt). */
  client(options?: string | ClientOptions): EC2Client;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export interface ClientOptions {
  region?: string;
  maxAttempts?: number;
}

export async function startTestEmulator(options: Ec2EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEc2Emulator({ delays: FAST_DELAYS, log: () => {}, ...options });
  const clients: EC2Client[] = [];
  const client = (options: string | ClientOptions = {}) => {
    const { region = 'us-east-1', maxAttempts = 1 } =
      typeof options === 'string' ? { region: options } : options;
    const created = new EC2Client({
      endpoint: emulator.url,
      region,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts,
    });
    clients.push(created);
    return created;
  };
  return {
    emulator,
    url: emulator.url,
    ec2: client(),
    client,
    async control(method, path, body) {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
    async close() {
      for (const c of clients) c.destroy();
      await emulator.close();
    },
  };
}

export interface CaughtError {
  code: string;
  status: number | undefined;
  message: string;
}

/** The EC2 error an SDK call failed with; throws when the call succeeded. */
export async function failure(call: Promise<unknown>): Promise<CaughtError> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A form-encoded EC2 request sent with fetch, for wire-level assertions. */
export async function rawRequest(
  url: string,
  params: Record<string, string>,
  init: { region?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...(init.region
        ? {
            authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/${init.region}/ec2/aws4_request, SignedHeaders=host, Signature=abc`,
          }
        : {}),
      ...init.headers,
    },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }).toString(),
  });
  return { status: response.status, body: await response.text() };
}

/** The text of every `<name>` element in an XML document (flat, for simple assertions). */
export function xmlValues(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
}
