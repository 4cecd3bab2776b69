/**
 * Builds a Lambda function's bundle the way SST does for `sst deploy` (esbuild, ESM, minified,
 * node22, SST's createRequire banner, the function's own esbuild plugins), so tests and benches
 * can look inside it (its metafile) and time its cold import.
 */
import { dirname, join } from 'node:path';
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

export interface FunctionBundle {
  /** Where it was written, when an outfile was given. */
  file?: string;
  bytes: number;
  /** Every file that went in, as paths relative to the repository root. */
  inputs: string[];
  metafile: Metafile;
}

/** Bundles an entry file; `outfile` (an .mjs) writes it, otherwise it stays in memory. */
export async function bundleEntry(
  entry: string,
  options: { outfile?: string; plugins?: Plugin[] } = {},
): Promise<FunctionBundle> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    outfile: options.outfile ?? join(ROOT, 'bundle.mjs'),
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
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return {
    ...(options.outfile ? { file: options.outfile } : {}),
    bytes: output?.bytes ?? 0,
    inputs: Object.keys(result.metafile.inputs),
    metafile: result.metafile,
  };
}

/** Bundles one deployed function as SST would. */
export function bundleFunction(name: FunctionName, outfile?: string): Promise<FunctionBundle> {
  return bundleEntry(handlerFile(HANDLERS[name]), {
    ...(outfile ? { outfile } : {}),
    plugins: FUNCTION_PLUGINS[name],
  });
}
