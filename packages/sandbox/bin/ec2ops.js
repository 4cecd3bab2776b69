#!/usr/bin/env node
// The `ec2ops` CLI. Sources are TypeScript; tsx compiles them on the fly so the CLI runs
// straight from a clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
