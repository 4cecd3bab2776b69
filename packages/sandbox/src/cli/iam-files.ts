import { readFile } from 'node:fs/promises';
import { parseStageConfig, SANDBOX_STAGE, type StageConfig } from '@ec2ops/core/config';
import type { ErrorCode } from '@ec2ops/core/error-codes';
import { InputError } from '@ec2ops/core/errors';
import { type CallerPolicies, FULL_ACCESS } from '../iam/enforce';

/** The files `ec2ops iam` and `ec2ops emulator --iam` read. */
async function readJson(file: string, code: ErrorCode, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(code, `cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(code, `${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

const looksLikeFile = (stage: string) => /[/\\]|\.json$/i.test(stage);

/**
 * `--stage` names a stage (`sandbox`, or one of infra/stages: `dev`, `production`) or a JSON file
 * holding a stage config (or a stage definition `{ "config": … }`).
 */
export async function loadStageArgument(stage: string): Promise<StageConfig> {
  if (looksLikeFile(stage)) {
    const json = (await readJson(stage, 'cli.stage', 'the stage file')) as Record<string, unknown>;
    const config =
      json && typeof json === 'object' && 'config' in json && !('stage' in json) ? json['config'] : json;
    return parseStageConfig(config);
  }
  if (stage === 'sandbox') return parseStageConfig(SANDBOX_STAGE);
  // The deployable stages live with infra (plain data and core's schema, no SST globals).
  const infraStages = new URL('../../../../infra/stages/index.ts', import.meta.url).href;
  const { loadStage } = (await import(infraStages)) as { loadStage(name: string): { config: StageConfig } };
  return loadStage(stage).config;
}

/** `{"Worker": <policy>, "Seeder": "*"}`, as `ec2ops iam --json` prints it (plus "*" keys). */
export async function loadCallerPolicies(file: string): Promise<CallerPolicies> {
  const json = await readJson(file, 'cli.iam', 'the IAM policy file');
  const bad = (why: string) =>
    new InputError('cli.iam', `the IAM policy file ${file} ${why}`, {
      hint: 'write it with `ec2ops iam --stage <name> --json`: {"<AccessKeyId>": <policy document> | "*", …}',
    });
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw bad('is not a JSON object');
  for (const [key, value] of Object.entries(json)) {
    const isPolicy = value && typeof value === 'object' && 'Statement' in value;
    if (value !== FULL_ACCESS && !isPolicy) throw bad(`maps ${key} to neither a policy document nor "*"`);
  }
  return json as CallerPolicies;
}
