/**
 * Each Lambda function's bundle against the naive monolith (one function doing everything:
 * Bolt from its index, the EC2 and SQS clients, every command, executor and job), built in the
 * same run the way SST builds them: bundle size, and cold import time and memory of a fresh
 * `node` process importing the bundle (median of several runs), as ratios to the monolith; the
 * CPU-time ratio beside the wall-time one tells a slower bundle from a busier machine. A split
 * bundle's size is what its cold start reads (`kb`), its dynamic chunks counted in `totalKb`.
 * Targets: slack ≤ 0.3× the monolith's cold import, worker and every job ≤ 0.6×.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionName } from '@ec2ops/core/capability';
import { bundleEntry, bundleFunction, FUNCTION_NAMES } from '../scripts/function-bundles';
import { coldImport, coldImportPaired, FUNCTION_ENV, round } from './cold-import';

const COLD_RUNS = 7;
const ENV = {
  ...FUNCTION_ENV,
  LOG_LEVEL: 'silent',
};

function targetFor(name: FunctionName): number {
  return name === 'slack' ? 0.3 : 0.6;
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-functions-bench-'));
  try {
    const naive = await bundleEntry('bench/fixtures/naive-monolith-entry.ts', {
      outfile: join(dir, 'naive.mjs'),
    });
    const bare = coldImport(undefined, ENV, COLD_RUNS);
    const functions: Record<string, unknown> = {};
    let ok = true;
    for (const name of FUNCTION_NAMES) {
      const bundle = await bundleFunction(name, join(dir, `${name}.mjs`));
      // Paired with the monolith, run by run, so the ratio holds on a machine under changing load.
      const [cold, naiveCold] = coldImportPaired(bundle.file!, naive.file!, ENV, COLD_RUNS);
      const ratio = {
        coldImport: round(cold.importMs / naiveCold.importMs),
        coldImportCpu: round(cold.cpuMs / naiveCold.cpuMs),
        bundleBytes: round(bundle.bytes / naive.bytes),
        memoryAboveBareNode: round((cold.maxRssMb - bare.maxRssMb) / (naiveCold.maxRssMb - bare.maxRssMb)),
      };
      const meets = ratio.coldImport <= targetFor(name);
      ok &&= meets;
      functions[name] = {
        // What a cold start reads (entry and its static chunks), and every chunk.
        kb: round(bundle.bytes / 1024, 1),
        totalKb: round(bundle.totalBytes / 1024, 1),
        modules: bundle.inputs.length,
        ...cold,
        naiveImportMs: naiveCold.importMs,
        vsNaive: ratio,
        target: `cold import ≤ ${targetFor(name)}× naive`,
        meets,
      };
    }
    return {
      ok,
      naive: { kb: round(naive.bytes / 1024, 1), modules: naive.inputs.length },
      bareNode: bare,
      functions,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
