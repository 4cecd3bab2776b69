import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { CreateRuleCommand, DeleteRuleCommand, RbinClient } from '@aws-sdk/client-rbin';
import type { JobReport } from '@ec2ops/core/jobs';
import { SANDBOX_CREDENTIALS } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BakeHarness, DAY, startBakeHarness } from './ami-bake-harness';

const DR = 'eu-west-1';
const SOURCE_IMAGE = 'ec2ops:source-image';

let h: BakeHarness;
let rbin: RbinClient;
beforeAll(async () => {
  h = await startBakeHarness();
  rbin = new RbinClient({ endpoint: h.emulator.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
});
afterAll(async () => {
  rbin?.destroy();
  await h?.close();
});

/** Copies in the DR region, by the source image their tag names. */
async function copiesIn(ec2: EC2Client, sources: string[]) {
  const out = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: `tag:${SOURCE_IMAGE}`, Values: sources }],
    }),
  );
  return out.Images ?? [];
}

const linesOf = (report: JobReport, action: string) => report.lines.filter((l) => l.action === action);

describe('ami-bake copies to bake.copyTo regions, against the EC2 emulator', () => {
  it('copies each image once, encrypted, tagged with its source; keeps a source while its copy is pending; applies retention in both regions', async () => {
    const dr = h.client(DR);
    const source = await h.instance();
    const older = await h.pastImage(source, 2);
    const config = h.config({ retention: { count: 1 }, copyTo: [{ region: DR, kmsKeyId: 'alias/dr' }] });

    const first = await h.run(h.at(), config);
    expect(first.counts.failed).toBe(0);
    const [copyOfOlder, ...extra] = await copiesIn(dr, [older.imageId]);
    expect(extra).toEqual([]);
    expect(copyOfOlder?.State).toBe('pending');
    const tags = Object.fromEntries((copyOfOlder?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ [SOURCE_IMAGE]: older.imageId, 'ec2ops:source-instance': source });
    const snapshotIds = (copyOfOlder?.BlockDeviceMappings ?? []).flatMap((m) => m.Ebs?.SnapshotId ?? []);
    const snapshots = await dr.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
    expect(snapshots.Snapshots?.every((s) => s.Encrypted && s.KmsKeyId === 'alias/dr')).toBe(true);

    // A second run the same day copies nothing again.
    const again = await h.run(h.at(60_000), config);
    expect(linesOf(again, 'copy')).toEqual([]);
    expect(await copiesIn(dr, [older.imageId])).toHaveLength(1);

    // A newer image: retention (count 1) would remove the older one, but its copy is pending.
    const newer = await h.pastImage(source, 1);
    const held = await h.run(h.at(120_000), config);
    expect(await h.imagesOf(source)).toEqual([older.imageId, newer.imageId].sort());
    expect(held.lines.find((l) => l.id === older.imageId && l.region === 'us-east-1')?.message).toBe(
      `copy pending in ${DR}`,
    );
    expect(linesOf(held, 'copy').map((l) => l.id)).toEqual([newer.imageId]);

    // Both copies become available: retention now removes the older image at home and its copy in the DR region.
    for (const copy of await copiesIn(dr, [older.imageId, newer.imageId])) {
      await h.control('POST', `/_emulator/images/${copy.ImageId}/state?region=${DR}`, { state: 'available' });
    }
    const cleaned = await h.run(h.at(180_000), config);
    expect(cleaned.counts.failed).toBe(0);
    expect(await h.imagesOf(source)).toEqual([newer.imageId]);
    const left = await copiesIn(dr, [older.imageId, newer.imageId]);
    expect(left.map((i) => i.Tags?.find((t) => t.Key === SOURCE_IMAGE)?.Value)).toEqual([newer.imageId]);
    // The older copy's snapshots went with it (a filter: ids EC2 no longer knows are not an error).
    const drSnapshots = await dr.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: snapshotIds }] }),
    );
    expect(drSnapshots.Snapshots ?? []).toEqual([]);
    expect(
      linesOf(cleaned, 'deregister')
        .map((l) => l.region)
        .sort(),
    ).toEqual([DR, 'us-east-1'].sort());
  });

  it("keeps as many copies as the source instance's retain tag says, not the stage's count", async () => {
    const dr = h.client(DR);
    const source = await h.instance({ 'ec2ops:bake': 'nightly', 'ec2ops:retain': '2' });
    const day1 = await h.pastImage(source, 1);
    const day2 = await h.pastImage(source, 2);
    const config = h.config({ retention: { count: 1 }, copyTo: [{ region: DR }] });

    await h.run(h.at(), config);
    const made = await copiesIn(dr, [day1.imageId, day2.imageId]);
    expect(made).toHaveLength(2);
    for (const copy of made) {
      await h.control('POST', `/_emulator/images/${copy.ImageId}/state?region=${DR}`, { state: 'available' });
    }
    const report = await h.run(h.at(60_000), config);

    expect(report.counts.failed).toBe(0);
    expect(linesOf(report, 'deregister').filter((l) => l.region === DR)).toEqual([]);
    expect(await copiesIn(dr, [day1.imageId, day2.imageId])).toHaveLength(2);
  });

  it('deprecates every baked image and its copy bake.deprecateAfter after baking', async () => {
    const dr = h.client(DR);
    const source = await h.instance();
    const image = await h.pastImage(source, 1);
    const config = h.config({ retention: { count: 3 }, deprecateAfter: '10d', copyTo: [{ region: DR }] });

    await h.run(h.at(), config);
    const [copy] = await copiesIn(dr, [image.imageId]);
    await h.control('POST', `/_emulator/images/${copy?.ImageId}/state?region=${DR}`, { state: 'available' });
    const report = await h.run(h.at(60_000), config);

    expect(report.counts.failed).toBe(0);
    const due = new Date(h.base - DAY + 10 * DAY).toISOString();
    const home = await h.ec2.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(home.Images?.[0]?.DeprecationTime).toBe(due);
    const copied = await dr.send(new DescribeImagesCommand({ ImageIds: [copy!.ImageId!] }));
    expect(copied.Images?.[0]?.DeprecationTime).toBe(due);
    // Set once: the next run does not deprecate again.
    const next = await h.run(h.at(120_000), config);
    expect(linesOf(next, 'deprecate')).toEqual([]);
  });
});

describe('ami-bake and the Recycle Bin', () => {
  it('says until when each deleted image and snapshot is recoverable when a rule keeps them', async () => {
    const rule = await rbin.send(
      new CreateRuleCommand({
        ResourceType: 'EC2_IMAGE',
        RetentionPeriod: { RetentionPeriodValue: 9, RetentionPeriodUnit: 'DAYS' },
        ResourceTags: [{ ResourceTagKey: 'ec2ops:managed', ResourceTagValue: 'true' }],
      }),
    );
    try {
      const source = await h.instance();
      await h.pastImage(source, 1);
      const old = await h.pastImage(source, 3);
      const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));

      const until = new Date(h.base + 9 * DAY).toISOString();
      expect(report.lines.find((l) => l.id === old.imageId)?.message).toContain(`recoverable until ${until}`);
      // No rule keeps snapshots: the warning names the rule that would fix it, once.
      const warnings = report.sections.find((s) => s.title === 'Recycle Bin')?.lines ?? [];
      expect(warnings).toEqual([
        expect.stringContaining(
          'no Recycle Bin rule keeps snapshots in us-east-1: snapshot deletions are final',
        ),
      ]);
      expect(warnings[0]).toContain('aws rbin create-rule --region us-east-1 --resource-type EBS_SNAPSHOT');
    } finally {
      await rbin.send(new DeleteRuleCommand({ Identifier: rule.Identifier }));
    }
  });

  it('warns once per run and type that deletions are final when no rule exists, however many it deletes', async () => {
    const source = await h.instance();
    await h.pastImage(source, 1);
    await h.pastImage(source, 3);
    await h.pastImage(source, 4);
    const report = await h.run(h.at(), h.config({ retention: { count: 1 } }));

    expect(linesOf(report, 'deregister').filter((l) => l.status === 'done')).toHaveLength(2);
    const warnings = report.sections.find((s) => s.title === 'Recycle Bin')?.lines ?? [];
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toContain('image deletions are final');
    expect(warnings.join('\n')).toContain('snapshot deletions are final');
  });
});
