import { EnableImageDeregistrationProtectionCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BakeHarness, startBakeHarness } from './ami-bake-harness';

let h: BakeHarness;
beforeAll(async () => {
  h = await startBakeHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('ami-bake retention and deregistration protection, against the EC2 emulator', () => {
  it('keeps a protected image past retention, reports it, and removes the unprotected one', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const guarded = await h.pastImage(source, 5);
    const plain = await h.pastImage(source, 6);
    await h.ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: guarded.imageId }));

    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));

    expect(report.counts.failed).toBe(0);
    expect(await h.imagesOf(source)).toEqual([newest.imageId, guarded.imageId].sort());
    expect(await h.imagesOf(source)).not.toContain(plain.imageId);
    const section = report.sections.find((s) => s.title.startsWith('Kept because deregistration protected'));
    expect(section?.lines.join('\n')).toContain(guarded.imageId);
  });
});
