/**
 * How fast the `ec2ops` CLI starts: `ec2ops --help` and `ec2ops --version` through the real bin
 * (its JavaScript build, made fresh first) against a bare `node -e 0`, each the median wall
 * time of several runs, in the same run. Target: `--help` under 0.5 s; on a machine so loaded
 * that a bare node alone takes most of that, at most twice a bare node's start.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../scripts/function-bundles';
import { round } from './cold-import';

const RUNS = 9;
const BIN = join(ROOT, 'packages/sandbox/bin/ec2ops.js');

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)]!, 1);
}

export async function run() {
  // The first start after a source change rebuilds; the figures are for the starts after it.
  execFileSync(process.execPath, [BIN, '--version'], { stdio: 'ignore' });
  const bareNodeMs = medianMs(['-e', '0']);
  const helpMs = medianMs([BIN, '--help']);
  const versionMs = medianMs([BIN, '--version']);
  return {
    ok: helpMs < 500 || helpMs <= 2 * bareNodeMs,
    bareNodeMs,
    helpMs,
    versionMs,
    ratios: { helpVsBareNode: round(helpMs / bareNodeMs), versionVsBareNode: round(versionMs / bareNodeMs) },
    target: '`ec2ops --help` under 500 ms, or ≤ 2× bare node when bare node is slow',
  };
}
