import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { JobReport } from '@ec2ops/core/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BakeHarness, startBakeHarness } from './ami-bake-harness';

/**
 * Issue 16: `bake.shareWith` shares every new golden image after the bake (launch permission;
 * the snapshots' create-volume permission for accounts), once, and the report says so.
 */
const ACCOUNT = '111111111111';
const ORG = 'arn:aws:organizations::123456789012:organization/o-abcdefghij';

let h: BakeHarness;
beforeAll(async () => {
  h = await startBakeHarness();
});
afterAll(async () => {
  await h?.close();
});

async function launchPermissions(imageId: string) {
  const out = await h.ec2.send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  return out.LaunchPermissions ?? [];
}

async function volumePermissions(snapshotId: string) {
  const out = await h.ec2.send(
    new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
  );
  return out.CreateVolumePermissions ?? [];
}

const shareLines = (report: JobReport) => report.lines.filter((l) => l.action === 'share');

describe('ami-bake shares golden images with bake.shareWith', () => {
  it('shares each available image with every target once, with its snapshots for accounts, and reports it', async () => {
    const source = await h.instance();
    const image = await h.pastImage(source, 1);
    const config = h.config({ retention: { count: 3 }, shareWith: [ACCOUNT, ORG] });

    const report = await h.run(h.at(), config);

    expect(report.counts.failed).toBe(0);
    expect(shareLines(report).map((l) => [l.id, l.status])).toEqual([[image.imageId, 'done']]);
    expect(report.sections.find((s) => s.title === 'Shares')?.lines.join('\n')).toContain(`${image.imageId}`);
    const permissions = await launchPermissions(image.imageId);
    expect(permissions).toHaveLength(2);
    expect(permissions).toEqual(expect.arrayContaining([{ UserId: ACCOUNT }, { OrganizationArn: ORG }]));
    for (const snapshotId of image.snapshotIds) {
      expect(await volumePermissions(snapshotId)).toEqual([{ UserId: ACCOUNT }]);
    }
    const next = await h.run(h.at(60_000), config);
    expect(shareLines(next)).toEqual([]);
  });

  it('two runs at once leave one permission per target and mark the image shared', async () => {
    const source = await h.instance();
    const image = await h.pastImage(source, 1);
    const config = h.config({ retention: { count: 3 }, shareWith: [ACCOUNT] });

    const [a, b] = await Promise.all([h.run(h.at(), config), h.run(h.at(), config)]);

    expect(a.counts.failed + b.counts.failed).toBe(0);
    expect(await launchPermissions(image.imageId)).toEqual([{ UserId: ACCOUNT }]);
    for (const snapshotId of image.snapshotIds) {
      expect(await volumePermissions(snapshotId)).toEqual([{ UserId: ACCOUNT }]);
    }
    const described = await h.ec2.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(described.Images?.[0]?.Tags?.some((t) => t.Key === 'ec2ops:shared-with')).toBe(true);
    expect(shareLines(await h.run(h.at(60_000), config))).toEqual([]);
  });

  it('warns and shares nothing for `org` outside an organization; shares with its ARN once there is one', async () => {
    const source = await h.instance();
    const image = await h.pastImage(source, 1);
    const config = h.config({ retention: { count: 3 }, shareWith: ['org'] });

    const outside = await h.run(h.at(), config);
    expect(outside.counts.failed).toBe(0);
    expect(outside.sections.find((s) => s.title === 'Warnings')?.lines.join('\n')).toContain(
      'bake.shareWith: org names',
    );
    expect(await launchPermissions(image.imageId)).toEqual([]);

    await h.control('POST', '/_emulator/accounts', { id: '333333333333', alias: 'member' });
    await h.run(h.at(60_000), config);
    expect(await launchPermissions(image.imageId)).toEqual([
      { OrganizationArn: 'arn:aws:organizations::123456789012:organization/o-ec2opssandbox' },
    ]);
  });

  it('shares nothing on a dry run', async () => {
    const source = await h.instance();
    const image = await h.pastImage(source, 1);
    const report = await h.run(h.at(), h.config({ shareWith: [ACCOUNT] }), true);
    expect(shareLines(report).map((l) => l.id)).toContain(image.imageId);
    expect(await launchPermissions(image.imageId)).toEqual([]);
  });
});
