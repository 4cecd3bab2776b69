import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '@ec2ops/core/errors';
import { writeAtomically } from '../runner/state-dir';
import type { ImportResult } from './import';

/**
 * A twin on disk: `ec2.json` is an emulator state in the sandbox's own format (so
 * `ec2ops sandbox --state DIR` or `ec2ops emulator --state DIR/ec2.json` can open it too), and
 * `twin.json` says when and from what it was taken: the forecast starts its clock there.
 */
export interface TwinMeta {
  version: 1;
  /** The instant the account was read (ISO-8601 UTC): the twin's "now". */
  importedAt: string;
  accountId: string;
  regions: string[];
  /** Where it was read from (an endpoint URL, or "aws" for the SDK's own resolution). */
  source: string;
  counts: ImportResult['counts'];
  calls: Record<string, number>;
}

export interface Twin {
  meta: TwinMeta;
  /** Ec2Store JSON. */
  state: unknown;
}

export function writeTwin(
  dir: string,
  result: ImportResult,
  meta: Omit<TwinMeta, 'version' | 'counts' | 'calls' | 'accountId'>,
): string {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  writeAtomically(join(abs, 'ec2.json'), JSON.stringify(result.state));
  const full: TwinMeta = {
    version: 1,
    ...meta,
    accountId: result.accountId,
    counts: result.counts,
    calls: result.calls,
  };
  writeAtomically(join(abs, 'twin.json'), `${JSON.stringify(full, null, 2)}\n`);
  return abs;
}

/** Reads a twin; a directory that is not one gets a clear error naming the command that makes one. */
export function readTwin(dir: string): Twin {
  const abs = resolve(dir);
  const read = (name: string): unknown => {
    const file = join(abs, name);
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError('twin.state', `${file} is not a twin's ${name}: ${(error as Error).message}`, {
        cause: error,
        hint: 'Make one with `ec2ops twin import --state DIR` (it reads the account, changes nothing).',
      });
    }
  };
  const meta = read('twin.json') as Partial<TwinMeta>;
  if (
    meta.version !== 1 ||
    typeof meta.importedAt !== 'string' ||
    Number.isNaN(Date.parse(meta.importedAt))
  ) {
    throw new InputError('twin.state', `${join(abs, 'twin.json')} is not a twin description (version 1)`, {
      hint: 'Import the twin again with `ec2ops twin import --state DIR`.',
    });
  }
  return { meta: meta as TwinMeta, state: read('ec2.json') };
}
