import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import { CreateRuleCommand, RbinClient } from '@aws-sdk/client-rbin';
import { SANDBOX_CREDENTIALS } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTo } from './fixtures';
import { type Harness, startHarness, TEST_CONFIG } from './harness';
import { managedInstance } from './launch-fixtures';

/**
 * `/ec2 ami share|unshare|restore` and approval's deregistration protection, end to end: a
 * signed slash command through the real slack function, queue and worker, against the EC2
 * emulator (and its Recycle Bin API on the same port).
 */
let h: Harness;
let rbin: RbinClient;
const PARTNER = '210987654321';

beforeAll(async () => {
  h = await startHarness({
    config: {
      ...TEST_CONFIG,
      roles: { users: { UOPERATOR: 'operator', UADMIN: 'admin' }, groups: {}, bootstrapAdmins: [] },
    },
  });
  await fetch(`${h.ec2.url}/_emulator/delays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instancePending: 0, imagePending: 0, snapshotPending: 0 }),
  });
  rbin = new RbinClient({ endpoint: h.ec2.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
});
afterAll(async () => {
  rbin?.destroy();
  await h?.close();
});

async function ec2(text: string, user = 'UADMIN'): Promise<string> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  return JSON.stringify((await answerTo(h, sent, queued)).payload);
}

/** Sends all at once; each answer is awaited (the worker may take them in any order). */
async function together(texts: string[]): Promise<string[]> {
  const queued = h.sent.length;
  const sent = await Promise.all(
    texts.map((t) => h.client.slashCommand(`/ec2 ${t}`, { user: 'UADMIN', channel: 'C0GENERAL' })),
  );
  return Promise.all(sent.map(async (s) => JSON.stringify((await answerTo(h, s, queued)).payload)));
}

/** A managed, available image (with managed snapshots) of a fresh managed instance. */
async function managedImage(name: string): Promise<{ imageId: string; snapshotIds: string[] }> {
  const [id] = await managedInstance(h.ec2Client, { Name: name });
  const tags = [
    { Key: 'ec2ops:managed', Value: 'true' },
    { Key: 'ec2ops:source-instance', Value: id! },
  ];
  const out = await h.ec2Client.send(
    new CreateImageCommand({
      InstanceId: id!,
      Name: `${name}-${id}`,
      NoReboot: true,
      TagSpecifications: [
        { ResourceType: 'image', Tags: tags },
        { ResourceType: 'snapshot', Tags: tags },
      ],
    }),
  );
  const imageId = out.ImageId!;
  await fetch(`${h.ec2.url}/_emulator/images/${imageId}/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'available' }),
  });
  const described = await h.ec2Client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  const snapshotIds = (described.Images?.[0]?.BlockDeviceMappings ?? []).flatMap(
    (m) => m.Ebs?.SnapshotId ?? [],
  );
  return { imageId, snapshotIds };
}

async function protection(imageId: string): Promise<string | undefined> {
  const out = await h.ec2Client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return out.Images?.[0]?.DeregistrationProtection;
}

async function launchPermissions(imageId: string) {
  const out = await h.ec2Client.send(
    new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
  );
  return out.LaunchPermissions ?? [];
}

describe('/ec2 ami approve and revoke protect from deregistration', () => {
  it('approve enables deregistration protection, revoke lifts it', async () => {
    const { imageId } = await managedImage('protect-me');
    expect(await ec2(`ami approve ${imageId}`)).toContain('protected from deregistration until revoked');
    expect(await protection(imageId)).toBe('enabled');
    await expect(h.ec2Client.send(new DeregisterImageCommand({ ImageId: imageId }))).rejects.toThrow();

    expect(await ec2(`ami revoke ${imageId}`)).toContain('no longer deregistration protected');
    expect(await protection(imageId)).toBe('disabled');
  });
});

describe('/ec2 ami share and unshare', () => {
  it('shares a managed image with an account (and its snapshots), then unshares it', async () => {
    const { imageId, snapshotIds } = await managedImage('shared');
    expect(await ec2(`ami share ${imageId} with ${PARTNER}`)).toContain(`Shared ${imageId}`);
    expect(await launchPermissions(imageId)).toEqual([{ UserId: PARTNER }]);
    const volumes = await h.ec2Client.send(
      new DescribeSnapshotAttributeCommand({
        SnapshotId: snapshotIds[0]!,
        Attribute: 'createVolumePermission',
      }),
    );
    expect(volumes.CreateVolumePermissions).toEqual([{ UserId: PARTNER }]);
    expect(await ec2(`ami share ${imageId} with ${PARTNER}`)).toContain('already shared');

    expect(await ec2(`ami unshare ${imageId} with ${PARTNER}`)).toContain('Stopped sharing');
    expect(await launchPermissions(imageId)).toEqual([]);
    expect(await ec2(`ami unshare ${imageId} with ${PARTNER}`)).toContain('nothing to unshare');
  });

  it('shares with an organization by ARN', async () => {
    const { imageId } = await managedImage('org-shared');
    const org = 'arn:aws:organizations::123456789012:organization/o-abcdef1234';
    expect(await ec2(`ami share ${imageId} with ${org}`)).toContain('Shared');
    expect(await launchPermissions(imageId)).toEqual([{ OrganizationArn: org }]);
  });

  it('refuses `org` and a bare ou-… id while the account is in no organization, changing nothing', async () => {
    const { imageId } = await managedImage('no-org');
    for (const target of ['org', 'ou-ab12-cdefgh34']) {
      const answer = await ec2(`ami share ${imageId} with ${target}`);
      expect(answer).toContain('is not in one');
      expect(answer).toContain('full OU / organization ARN');
    }
    expect(await launchPermissions(imageId)).toEqual([]);
  });

  it('expands `org` and a bare ou-… id to the ARNs of the organization (DescribeOrganization), and unshares them', async () => {
    // A member account makes the emulator's hub the management account of an organization.
    const joined = await fetch(`${h.ec2.url}/_emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '333333333333', alias: 'member' }),
    });
    expect(joined.ok).toBe(true);
    const hub = '123456789012';
    const orgArn = `arn:aws:organizations::${hub}:organization/o-ec2opssandbox`;
    const ouArn = `arn:aws:organizations::${hub}:ou/o-ec2opssandbox/ou-ab12-cdefgh34`;
    const { imageId } = await managedImage('org-shorthand');
    expect(await ec2(`ami share ${imageId} with org`)).toContain(`Shared`);
    expect(await ec2(`ami share ${imageId} with ou-ab12-cdefgh34`)).toContain(ouArn);
    expect(await launchPermissions(imageId)).toEqual(
      expect.arrayContaining([{ OrganizationArn: orgArn }, { OrganizationalUnitArn: ouArn }]),
    );
    expect(await launchPermissions(imageId)).toHaveLength(2);
    expect(await ec2(`ami unshare ${imageId} with org`)).toContain('Stopped sharing');
    expect(await launchPermissions(imageId)).toEqual([{ OrganizationalUnitArn: ouArn }]);
  });

  it('five simultaneous shares of one image leave one permission', async () => {
    const { imageId } = await managedImage('crowd');
    const answers = await together(Array.from({ length: 5 }, () => `ami share ${imageId} with ${PARTNER}`));
    expect(answers.every((a) => a.includes('Shared') || a.includes('already shared'))).toBe(true);
    expect(await launchPermissions(imageId)).toEqual([{ UserId: PARTNER }]);
  });

  it('refuses a malformed target and an operator, changing nothing', async () => {
    const { imageId } = await managedImage('guarded');
    expect(await ec2(`ami share ${imageId} with ou-12`)).toMatch(/12-digit account id/);
    expect(await ec2(`ami share ${imageId} with ${PARTNER}`, 'UOPERATOR')).toMatch(/admin/);
    expect(await launchPermissions(imageId)).toEqual([]);
  });
});

describe('/ec2 ami restore', () => {
  it('restores a deleted image and its snapshots from the Recycle Bin, once for simultaneous requests', async () => {
    for (const type of ['EC2_IMAGE', 'EBS_SNAPSHOT'] as const) {
      await rbin.send(
        new CreateRuleCommand({
          ResourceType: type,
          RetentionPeriod: { RetentionPeriodValue: 7, RetentionPeriodUnit: 'DAYS' },
          ResourceTags: [{ ResourceTagKey: 'ec2ops:managed', ResourceTagValue: 'true' }],
        }),
      );
    }
    const { imageId, snapshotIds } = await managedImage('deleted');
    await h.ec2Client.send(new DeregisterImageCommand({ ImageId: imageId }));
    for (const id of snapshotIds) await h.ec2Client.send(new DeleteSnapshotCommand({ SnapshotId: id }));

    const answers = await together(Array.from({ length: 4 }, () => `ami restore ${imageId}`));
    expect(answers.filter((a) => a.includes(`Restored ${imageId}`))).toHaveLength(1);
    const image = await h.ec2Client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    expect(image.Images?.[0]?.State).toBe('available');
    const snapshots = await h.ec2Client.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
    expect(snapshots.Snapshots?.map((s) => s.SnapshotId).sort()).toEqual([...snapshotIds].sort());
    expect(await ec2(`ami restore ${imageId}`)).toContain('is not deleted');
  });

  it('says clearly when an image is not in the Recycle Bin', async () => {
    expect(await ec2('ami restore ami-0123456789abcdef0')).toContain('is not in the Recycle Bin');
  });
});
