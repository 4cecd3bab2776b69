/**
 * Builds a Lambda function's bundle the way SST does for `sst deploy` (esbuild, ESM, minified,
 * node22, SST's createRequire banner, the function's own esbuild plugins), so tests and benches
 * can look inside it (its metafile) and time its cold import.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '@ec2ops/core/capability';
import { build, type Metafile, type Plugin } from 'esbuild';
import bundlePlugins from '../infra/bundle-plugins.mjs';
import { HANDLERS, handlerFile } from '../infra/functions';
import slackPlugins from '../infra/slack-bundle-plugins.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const FUNCTION_NAMES = Object.keys(HANDLERS) as FunctionName[];

/** The esbuild plugins each function is deployed with (see infra/slack.ts, infra/jobs.ts). */
export const FUNCTION_PLUGINS: Record<FunctionName, Plugin[]> = {
  slack: slackPlugins,
  worker: bundlePlugins,
  'ami-bake': bundlePlugins,
  'eip-cleanup': bundlePlugins,
  'port-sweep': bundlePlugins,
  'instance-reaper': bundlePlugins,
};

/** SST's banner for ESM bundles: bundled CommonJS packages still call `require`. */
const BANNER = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  'const require = topLevelCreateRequire(import.meta.url);',
].join('\n');

/**
 * Deployed with `nodejs.splitting` (infra/slack.ts, infra/jobs.ts): what a function imports
 * dynamically (the SDK's credential providers it never uses on Lambda, clients built on first
 * use) goes into chunks of its own that a cold start does not read.
 */
export const SPLITTING = true;

export interface FunctionBundle {
  /** The entry's file, when an outfile was given (its chunks are next to it). */
  file?: string;
  /** What a cold start reads: the entry and the chunks it imports statically. */
  bytes: number;
  /** Every output file, the chunks only imported dynamically included. */
  totalBytes: number;
  /** Every file that went in, as paths relative to the repository root. */
  inputs: string[];
  /** Those in what a cold start reads. */
  coldInputs: string[];
  metafile: Metafile;
}

/** The output files a cold start reads: the entry and, transitively, its static imports. */
function coldOutputs(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? []) {
      if (i.kind === 'import-statement' && metafile.outputs[i.path]) pending.push(i.path);
    }
  }
  return [...seen];
}

/**
 * Bundles an entry file; `outfile` (an .mjs) writes it, otherwise it stays in memory. With
 * `splitting`, its chunks are written next to it in a directory of its own.
 */
export async function bundleEntry(
  entry: string,
  options: { outfile?: string; plugins?: Plugin[]; splitting?: boolean } = {},
): Promise<FunctionBundle> {
  const outfile = options.outfile ?? join(ROOT, 'bundle.mjs');
  const name = basename(outfile, '.mjs');
  const outdir = options.splitting ? join(dirname(outfile), `${name}.chunks`) : dirname(outfile);
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    outdir,
    entryNames: name,
    outExtension: { '.js': '.mjs' },
    splitting: options.splitting ?? false,
    write: options.outfile !== undefined,
    bundle: true,
    minify: true,
    keepNames: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'silent',
    plugins: options.plugins ?? [],
  });
  const file = join(outdir, `${name}.mjs`);
  const { outputs } = result.metafile;
  const entryOutput = Object.keys(outputs).find((path) => join(ROOT, path) === file);
  if (!entryOutput) throw new Error(`esbuild wrote no ${file}`);
  const sum = (paths: string[]) => paths.reduce((total, path) => total + (outputs[path]?.bytes ?? 0), 0);
  const cold = coldOutputs(result.metafile, entryOutput);
  return {
    ...(options.outfile ? { file } : {}),
    bytes: sum(cold),
    coldInputs: [...new Set(cold.flatMap((path) => Object.keys(outputs[path]?.inputs ?? {})))],
    totalBytes: sum(Object.keys(outputs)),
    inputs: Object.keys(result.metafile.inputs),
    metafile: result.metafile,
  };
}

/** Bundles one deployed function as SST would. */
export function bundleFunction(name: FunctionName, outfile?: string): Promise<FunctionBundle> {
  return bundleEntry(handlerFile(HANDLERS[name]), {
    ...(outfile ? { outfile } : {}),
    plugins: FUNCTION_PLUGINS[name],
    splitting: SPLITTING,
  });
}
