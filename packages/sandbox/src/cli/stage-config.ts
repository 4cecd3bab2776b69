import { readFile } from 'node:fs/promises';
import { InputError, parseStageConfig, type StageConfig } from '@ec2ops/core';

/** A stage config file; `missing` is what to use when an optional file (stage.json) is absent. */
export async function loadConfig(file: string, missing?: StageConfig): Promise<StageConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (missing && (error as NodeJS.ErrnoException).code === 'ENOENT') return missing;
    throw new InputError('cli.config', `cannot read the config file ${file}: ${(error as Error).message}`, {
      hint: 'give --config the path of a stage config as JSON, or leave --config out for the sandbox stage',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('cli.config', `the config file ${file} is not JSON: ${(error as Error).message}`, {
      hint: 'fix the JSON at the position named, or leave --config out for the sandbox stage',
    });
  }
  return parseStageConfig(json);
}
