import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamDoc } from '../../infra/iam-doc';

describe('docs/iam.md', () => {
  it('is what the IAM metadata generates today (run `npx tsx scripts/iam-doc.ts` after changing it)', () => {
    const committed = readFileSync(resolve(import.meta.dirname, '../../docs/iam.md'), 'utf8');
    expect(committed).toBe(iamDoc());
  });

  it("names every function and the deployer's prerequisites", () => {
    const doc = iamDoc();
    for (const fn of ['slack', 'worker', 'ami-bake', 'eip-cleanup', 'port-sweep', 'instance-reaper'])
      expect(doc).toContain(`### ${fn}\n`);
    expect(doc).toContain("## What the deployer's own credentials need");
    expect(doc).toContain('## What was verified, and what was not');
  });
});
