/**
 * What Powertools (Logger, Metrics, the middy middleware) adds to the slack function's cold
 * start, the one with a 3-second budget: the function is bundled twice as SST bundles it, once as
 * deployed and once with telemetry/log.ts, meter.ts and middleware.ts swapped for what there was
 * before (pino, no metrics; bench/fixtures/without-powertools/), and each bundle's size and cold
 * import (a fresh node importing it, which also builds the handler) are compared, paired run by
 * run. Target: at most 10 % more on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { HANDLERS, handlerFile } from '../infra/functions';
import { bundleEntry, FUNCTION_PLUGINS, ROOT } from '../scripts/function-bundles';
import { coldImportPaired, FUNCTION_ENV, round } from './cold-import';

const COLD_RUNS = 9;
const LIMIT = 1.1;
const ENV = {
  ...FUNCTION_ENV,
  // As deployed (infra/stage.ts, infra/coordination.ts): logs at info and metrics on, so both are
  // built at cold start, and the coordination table named (its client is built, nothing is sent).
  LOG_LEVEL: 'info',
  COORDINATION_TABLE: 'ec2ops-bench-coordination',
  EC2OPS_METRICS: 'emf',
};

/** Resolves the functions' telemetry modules to the fixtures: the function as it was before. */
const withoutPowertools: Plugin = {
  name: 'without-powertools',
  setup(build) {
    // `../telemetry/log` from the functions, `./log` from inside telemetry/ (ack.ts).
    build.onResolve({ filter: /(^|\/)(log|meter|middleware)$/ }, (args) => {
      const inside = args.importer.includes('/packages/functions/src/telemetry/');
      const module = /(?:telemetry\/|^\.\/)(log|meter|middleware)$/.exec(args.path)?.[1];
      if (!module || !args.importer.includes('/packages/functions/src/')) return undefined;
      if (!args.path.includes('telemetry/') && !inside) return undefined;
      return { path: join(ROOT, 'bench/fixtures/without-powertools', `${module}.ts`) };
    });
  },
};

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-telemetry-bench-'));
  try {
    const entry = handlerFile(HANDLERS.slack);
    const plugins = FUNCTION_PLUGINS.slack ?? [];
    const withIt = await bundleEntry(entry, { outfile: join(dir, 'with.mjs'), plugins });
    const without = await bundleEntry(entry, {
      outfile: join(dir, 'without.mjs'),
      plugins: [...plugins, withoutPowertools],
    });
    const powertoolsIn = (inputs: string[]) =>
      inputs.filter((i) => i.includes('@aws-lambda-powertools')).length;
    if (powertoolsIn(without.inputs) > 0 || powertoolsIn(withIt.inputs) === 0)
      throw new Error(
        `the two bundles do not differ by Powertools (${powertoolsIn(withIt.inputs)} vs ${powertoolsIn(without.inputs)} modules): check the fixture plugin`,
      );
    const [cold, before] = coldImportPaired(withIt.file!, without.file!, ENV, COLD_RUNS);
    const ratio = {
      bundleBytes: round(withIt.bytes / without.bytes, 3),
      coldImport: round(cold.importMs / before.importMs, 3),
    };
    return {
      slack: {
        withPowertools: { kb: round(withIt.bytes / 1024, 1), modules: withIt.inputs.length, ...cold },
        before: { kb: round(without.bytes / 1024, 1), modules: without.inputs.length, ...before },
      },
      ratio,
      target: `bundle and cold import ≤ ${LIMIT}× before`,
      ok: ratio.bundleBytes <= LIMIT && ratio.coldImport <= LIMIT,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
