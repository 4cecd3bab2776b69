import { build } from 'esbuild';
import { FUNCTION_PLUGINS } from './scripts/function-bundles';
const name = process.argv[2] as 'slack' | 'worker';
const entry = { slack: 'packages/functions/src/slack/handler.ts', worker: 'packages/functions/src/worker/handler.ts' }[name];
await build({ entryPoints: [entry], outfile: `/tmp/scale/bundles/${name}-plain.mjs`, bundle: true, minify: false, keepNames: true, platform: 'node', target: 'node22', format: 'esm', mainFields: ['module', 'main'], banner: { js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);" }, logLevel: 'silent', plugins: FUNCTION_PLUGINS[name] ?? [] });
