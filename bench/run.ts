/**
 * `npm run bench`: runs every `bench/*.bench.ts` module's exported `run()` in turn (name order)
 * and prints each result. Arguments filter by file name: `npm run bench -- emulator`.
 * Exits non-zero when a benchmark throws or reports `ok: false`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run?: () => Promise<unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n━━ ${file} ━━\n`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    if (typeof module.run !== 'function') throw new Error(`${file} exports no run()`);
    const result = await module.run();
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (result && typeof result === 'object' && (result as { ok?: unknown }).ok === false) {
      failed += 1;
      process.stdout.write(`✗ ${file} reported ok: false\n`);
    }
  } catch (error) {
    failed += 1;
    process.stdout.write(`✗ ${file} failed: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\n${files.length - failed} of ${files.length} benchmarks ok\n`);
process.exitCode = failed > 0 ? 1 : 0;
