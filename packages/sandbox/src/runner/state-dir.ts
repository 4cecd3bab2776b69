import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStageConfig, type StageConfig, type StageConfigInput } from '@ec2ops/core/config/schema';
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

function writeAtomically(file: string, text: string): void {
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
  const input = JSON.parse(readFileSync(state.stageFile, 'utf8')) as StageConfigInput;
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
