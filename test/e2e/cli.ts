import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoints } from '@ec2ops/sandbox/console/types';

/** Runs the real `ec2ops` bin in a child process, as `npm start` / `npx ec2ops` would. */
export const BIN = join(import.meta.dirname, '..', '..', 'packages', 'sandbox', 'bin', 'ec2ops.js');

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/**
 * Waits until `check` returns a value, polling every 100 ms, failing with `what` after `ms`: a
 * hang guard sized for a busy shared machine (a start that takes seconds here may take a minute
 * there), kept under the tests' own timeout so that the failure names what it waited for.
 */
export async function eventually<T>(
  what: () => string,
  check: () => T | undefined,
  ms = 200_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what()}`);
}

/** The endpoints a sandbox wrote once it is ready (its banner has been printed). */
export function readyEndpoints(run: Running, stateDir: string): Promise<Endpoints> {
  return eventually(
    () => `the sandbox to be ready\n${run.output()}`,
    () => {
      const file = join(stateDir, 'endpoints.json');
      if (!run.output().includes('ready in') || !existsSync(file)) return undefined;
      return JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    },
  );
}

/** Ctrl-C, and the exit code. */
export async function interrupt(run: Running): Promise<number | null> {
  run.child.kill('SIGINT');
  return run.exited;
}
