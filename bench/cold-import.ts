/**
 * Cold start of a bundle: a fresh `node` process imports it; its wall time for the import and
 * its own peak RSS. Median of several runs.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';

/** What a function bundle needs to build its handler at import, as on Lambda (no network at init). */
export const FUNCTION_ENV = {
  ...linkedSecretVariables('bench', { SlackBotToken: 'xoxb-bench', SlackSigningSecret: 'bench-secret' }),
  QUEUE_URL: 'http://127.0.0.1:1/000000000000/ec2ops-requests',
  EC2OPS_CONFIG: JSON.stringify({ stage: 'bench', roles: { users: { UOPERATOR: 'operator' } } }),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

export interface ColdStats {
  importMs: number;
  /**
   * CPU time (user + system, every thread) the import took: on a machine shared with other work
   * its wall time waits for a core, this does not.
   */
  cpuMs: number;
  maxRssMb: number;
  heapMb: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
export const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** One run; `file` undefined measures a bare `node` process. */
function coldImportOnce(file: string | undefined, env: NodeJS.ProcessEnv): ColdStats {
  const script = `
    const cpu = process.cpuUsage();
    const t = performance.now();
    ${file ? `await import(${JSON.stringify(pathToFileURL(file).href)});` : ''}
    const importMs = performance.now() - t;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    globalThis.gc?.();
    // Peak RSS from VmHWM: getrusage's maxRSS survives exec on Linux, so a child spawned by a
    // large parent reports the parent's high-water mark, not its own.
    const { readFileSync } = await import('node:fs');
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (!hwm) throw new Error('no VmHWM in /proc/self/status');
    process.stdout.write(JSON.stringify({
      importMs, cpuMs, maxRssMb: Number(hwm[1]) / 1024, heapMb: process.memoryUsage().heapUsed / 1048576,
    }));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as ColdStats;
}

function medians(all: ColdStats[]): ColdStats {
  return {
    importMs: round(median(all.map((r) => r.importMs))),
    cpuMs: round(median(all.map((r) => r.cpuMs))),
    maxRssMb: round(median(all.map((r) => r.maxRssMb))),
    heapMb: round(median(all.map((r) => r.heapMb))),
  };
}

export function coldImport(file: string | undefined, env: NodeJS.ProcessEnv, runs: number): ColdStats {
  return medians(Array.from({ length: runs }, () => coldImportOnce(file, env)));
}

/**
 * Two bundles measured in alternation (a, b, a, b…), so that a machine whose load changes
 * during the run slows both alike and their ratio stays meaningful.
 */
export function coldImportPaired(
  a: string,
  b: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): [ColdStats, ColdStats] {
  const first: ColdStats[] = [];
  const second: ColdStats[] = [];
  for (let i = 0; i < runs; i++) {
    first.push(coldImportOnce(a, env));
    second.push(coldImportOnce(b, env));
  }
  return [medians(first), medians(second)];
}
