import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coldImport } from '../../bench/cold-import';

/**
 * The benches' peak-memory figure (bench/cold-import.ts) is the process's high-water mark
 * (VmHWM), not its RSS once the import is done and garbage collected.
 */
describe('cold import memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-cold-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the peak of a module that touches 200 MB and lets it go', () => {
    const file = join(dir, 'spike.mjs');
    // Touched page by page so the memory is resident, then dropped before the figure is read.
    writeFileSync(file, 'let b = Buffer.alloc(200 * 1024 * 1024, 1); b = undefined;\n');
    const bare = coldImport(undefined, {}, 1);
    const spike = coldImport(file, {}, 1);
    expect(bare.maxRssMb).toBeGreaterThan(10);
    expect(spike.maxRssMb - bare.maxRssMb).toBeGreaterThan(150);
  });
});
