#!/usr/bin/env node
// The `ec2ops` CLI. Its sources are TypeScript; it runs from a JavaScript build (./build-cli.js,
// made by `npm install` and remade here when a source changed), so a start compiles nothing.
import { buildCli, currentBuild, isFresh } from './build-cli.js';

let build = currentBuild();
if (!isFresh(build)) {
  try {
    build = await buildCli();
  } catch (error) {
    // No build possible (esbuild missing or broken): compile on the fly instead, slower.
    process.stderr.write(`ec2ops: cannot build the CLI (${error?.message ?? error}); running from source\n`);
    build = undefined;
  }
}
let main;
if (build) {
  ({ main } = await import(new URL(`file://${build.entry}`).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
