import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ec2opsError, InputError } from '@ec2ops/core/errors';
import type { Endpoints } from '../console/types';
import { SANDBOX_CREDENTIALS } from '../iam/stage-policies';

/**
 * How the CLI finds what it talks to: the standard AWS environment when it names anything,
 * otherwise the running sandbox, through `<state dir>/endpoints.json`. A sandbox has its own
 * clock (the console moves it), read from its EC2 emulator, and its own stage config.
 */

/** The sandbox's endpoints, or undefined when no sandbox has written them there. */
export async function readSandboxEndpoints(stateDir: string): Promise<Partial<Endpoints> | undefined> {
  const file = join(stateDir, 'endpoints.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Ec2opsError('cli.endpoints', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as Partial<Endpoints>;
  } catch (error) {
    throw new Ec2opsError('cli.endpoints', `${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
      hint: 'Restart the sandbox (npm start) to rewrite it.',
    });
  }
}

export interface Ec2Target {
  /** Unset: the SDK's own resolution from the standard AWS environment. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Set when the target is a sandbox: its endpoints. */
  sandbox?: Partial<Endpoints>;
}

const STANDARD_AWS_VARIABLES = [
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];

/** The standard AWS environment when it names anything; otherwise the running sandbox's EC2. */
export async function ec2Target(env: NodeJS.ProcessEnv, stateDir: string): Promise<Ec2Target> {
  if (STANDARD_AWS_VARIABLES.some((name) => env[name])) return {};
  const file = join(stateDir, 'endpoints.json');
  const endpoints = await readSandboxEndpoints(stateDir);
  if (!endpoints) {
    throw new InputError(
      'cli.no-ec2',
      `no AWS environment is set and there is no sandbox to fall back to (${file} not found)`,
      { hint: 'Start the sandbox (npm start), or set AWS_ENDPOINT_URL_EC2 / AWS_REGION / credentials.' },
    );
  }
  if (typeof endpoints.ec2 !== 'string')
    throw new InputError('cli.no-ec2', `${file} has no "ec2" endpoint`, {
      hint: 'Restart the sandbox (npm start) to rewrite it, or set AWS_ENDPOINT_URL_EC2 / AWS_REGION / credentials.',
    });
  return {
    endpoint: endpoints.ec2,
    // The sandbox's own full-access key; `job run` signs as the job's function instead.
    credentials: { ...SANDBOX_CREDENTIALS },
    sandbox: endpoints,
  };
}

/**
 * The sandbox's current time, from its EC2 emulator (`GET /_emulator/clock`): after the console
 * moves the clock, "now" for the sandbox is not this machine's now.
 */
export async function sandboxNow(ec2Endpoint: string): Promise<Date> {
  const url = new URL('/_emulator/clock', ec2Endpoint);
  let body: { now?: unknown };
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = (await response.json()) as { now?: unknown };
  } catch (error) {
    throw new Ec2opsError(
      'cli.sandbox-clock',
      `cannot read the sandbox clock at ${url}: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'Is the sandbox running? Start it with `npm start`.',
      },
    );
  }
  const ms = typeof body.now === 'string' ? Date.parse(body.now) : Number.NaN;
  if (Number.isNaN(ms)) throw new Ec2opsError('cli.sandbox-clock', `${url} gave no time`);
  return new Date(ms);
}
