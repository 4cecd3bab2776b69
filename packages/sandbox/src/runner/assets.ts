import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'console');

export interface ConsoleAssets {
  html: string;
  css: string;
  js: string;
}

/**
 * The web console: TypeScript + Preact + htm, bundled in memory by esbuild when the sandbox
 * starts (a few tens of milliseconds), from files in node_modules — nothing comes from a CDN.
 */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const [html, css, bundle] = await Promise.all([
    readFile(join(CONSOLE_DIR, 'index.html'), 'utf8'),
    readFile(join(CONSOLE_DIR, 'app.css'), 'utf8'),
    build({
      entryPoints: [join(CONSOLE_DIR, 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    }),
  ]);
  const js = bundle.outputFiles[0]?.text;
  if (!js) throw new Error('the console bundle came out empty');
  return { html, css, js };
}
