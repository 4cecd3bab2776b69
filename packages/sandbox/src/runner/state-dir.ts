import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStageConfig, type StageConfig, type StageConfigInput } from '@ec2ops/core/config';
import { InputError } from '@ec2ops/core/errors';
import type { Endpoints } from '../console/types';

/**
 * `--state DIR` (default `.sandbox/`): everything a restart keeps.
 *   ec2.json        the EC2 emulator's account, and the sandbox clock's offset
 *   stage.json      the sandbox stage config the handlers get as EC2OPS_CONFIG (edit it and restart)
 *   endpoints.json  where this run serves what, for scripts and `ec2ops slack`
 */
export interface StateDir {
  dir: string;
  ec2File: string;
  stageFile: string;
  endpointsFile: string;
  /** True when nothing was there yet: the account gets seeded. */
  isNew: boolean;
}

export function openStateDir(dir: string): StateDir {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const ec2File = join(abs, 'ec2.json');
  return {
    dir: abs,
    ec2File,
    stageFile: join(abs, 'stage.json'),
    endpointsFile: join(abs, 'endpoints.json'),
    isNew: !existsSync(ec2File),
  };
}

/** A state file the sandbox cannot use: say which, and how to start over. */
export function unreadableState(file: string, cause: unknown): InputError {
  return new InputError(
    'sandbox.state',
    `Cannot use ${file}: ${(cause as Error)?.message ?? String(cause)}`,
    {
      cause,
      hint: 'Fix or remove that file, or start over with a new state directory (--state DIR, or delete .sandbox/).',
    },
  );
}

/** Writes through a temp file renamed over the old one, so a crash never leaves half a file. */
export function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** The stage config of this sandbox: written from `initial` on first start, read afterwards. */
export function loadStageConfig(
  state: StateDir,
  initial: StageConfigInput,
): { input: StageConfigInput; config: StageConfig } {
  if (!existsSync(state.stageFile)) writeAtomically(state.stageFile, `${JSON.stringify(initial, null, 2)}\n`);
  let input: StageConfigInput;
  try {
    input = JSON.parse(readFileSync(state.stageFile, 'utf8')) as StageConfigInput;
  } catch (error) {
    throw unreadableState(state.stageFile, error);
  }
  return { input, config: parseStageConfig(input) };
}

export function writeEndpoints(state: StateDir, endpoints: Endpoints): void {
  writeAtomically(state.endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`);
}

/** Reads a running sandbox's endpoints (for `ec2ops slack` and scripts). */
export function readEndpoints(dir: string): Endpoints | undefined {
  try {
    return JSON.parse(readFileSync(join(resolve(dir), 'endpoints.json'), 'utf8')) as Endpoints;
  } catch {
    return undefined;
  }
}
