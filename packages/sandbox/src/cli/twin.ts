import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@ec2ops/core';
import { parseStageConfig, SANDBOX_STAGE } from '@ec2ops/core/config';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { isRegionName } from '@ec2ops/functions/jobs/run';
import type { Command } from 'commander';
import { type ImportProgress, importAccount } from '../twin/import';
import { writeTwin } from '../twin/twin-dir';
import { registerCommand } from './main';
import { ec2Target, sandboxNow } from './sandbox-target';
import { loadConfig } from './stage-config';

export interface TwinImportOptions {
  region?: string[];
  state?: string;
  sandbox?: string;
}

export const DEFAULT_TWIN_DIR = '.twin';

/** Redraws at most this often on a terminal. */
const PROGRESS_EVERY_MS = 200;

function terminalProgress(): ((p: ImportProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let drawn = 0;
  return (p) => {
    const now = performance.now();
    if (now - drawn < PROGRESS_EVERY_MS) return;
    drawn = now;
    process.stderr.write(
      `\rreading ${p.region}: ${p.count.toLocaleString('en')} ${p.kind} · ${p.calls} calls\x1b[K`,
    );
  };
}

/**
 * `ec2ops twin import`: reads the account the standard AWS environment names (or, with none set,
 * the running sandbox) into a twin directory, read-only. Prints what it read and the calls it took.
 */
export async function twinImport(
  options: TwinImportOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const badRegion = options.region?.find((r) => !isRegionName(r));
  if (badRegion)
    throw new InputError('cli.region', `--region "${badRegion}" is not an AWS region such as eu-west-1`);
  const sandboxDir = options.sandbox ?? '.sandbox';
  const target = await ec2Target(env, sandboxDir);
  const sandboxStage = join(sandboxDir, 'stage.json');
  const stage = target.sandbox ? await loadConfig(sandboxStage, parseStageConfig(SANDBOX_STAGE)) : undefined;
  const regions = options.region?.length
    ? options.region
    : env.AWS_REGION && isRegionName(env.AWS_REGION)
      ? [env.AWS_REGION]
      : (stage?.regions ?? []);
  if (!regions.length)
    throw new InputError('cli.region', 'no region to read: give --region (one or more), or set AWS_REGION');
  const now = target.sandbox && target.endpoint ? (await sandboxNow(target.endpoint)).getTime() : Date.now();
  const clients = ec2ClientsByRegion({ endpoint: target.endpoint, credentials: target.credentials });
  const progress = terminalProgress();
  const started = performance.now();
  const result = await importAccount({
    ec2: clients,
    regions,
    now,
    ...(progress ? { onProgress: progress } : {}),
  });
  const wallMs = performance.now() - started;
  if (progress) process.stderr.write('\r\x1b[K');
  for (const region of regions) clients(region).destroy();
  const dir = writeTwin(options.state ?? DEFAULT_TWIN_DIR, result, {
    importedAt: new Date(now).toISOString(),
    regions,
    source: target.endpoint ?? 'aws',
  });
  // A sandbox's twin gets the sandbox's stage, so `ec2ops forecast` runs its schedules by default.
  if (target.sandbox) await copyFile(sandboxStage, join(dir, 'stage.json')).catch(() => undefined);

  const lines = [
    `twin of account ${result.accountId} as of ${new Date(now).toISOString()} written to ${dir}`,
  ];
  for (const [region, counts] of Object.entries(result.counts)) {
    const parts = Object.entries(counts).map(([kind, n]) => `${n} ${kind}`);
    lines.push(`  ${region}: ${parts.join(', ')}`);
  }
  const byAction = Object.entries(result.calls)
    .sort((a, b) => b[1] - a[1])
    .map(([action, n]) => `${action} ${n}`);
  lines.push(
    `  calls: ${result.totalCalls} (${byAction.join(', ')}); the fewest the counts allow: ${result.minimumCalls}; ` +
      `${(wallMs / 1000).toFixed(1)} s`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

registerCommand((program: Command) => {
  const twin = program
    .command('twin')
    .description("a read-only copy of an account's EC2 resources, for the forecast");
  twin
    .command('import')
    .description(
      'read the account (the standard AWS environment, else the running sandbox) into a twin, with Describe calls only',
    )
    .option('--region <region...>', "regions to read (default: AWS_REGION, else the sandbox stage's regions)")
    .option('--state <dir>', 'where to write the twin (ec2.json, twin.json)', DEFAULT_TWIN_DIR)
    .option('--sandbox <dir>', "the sandbox's state dir, used when no AWS environment is set", '.sandbox')
    .action(async (options: TwinImportOptions) => {
      process.exitCode = await twinImport(options);
    });
  twin.exitOverride().allowExcessArguments(false);
  for (const sub of twin.commands) sub.exitOverride().allowExcessArguments(false);
});
