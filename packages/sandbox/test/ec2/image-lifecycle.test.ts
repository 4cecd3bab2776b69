import {
  CopyImageCommand,
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DisableImageDeprecationCommand,
  DisableImageDeregistrationProtectionCommand,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  ResetImageAttributeCommand,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/ec2/clock';
import { images } from '../../src/ec2/model';
import { FAST_WAIT, runningInstances } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

const OTHER_ACCOUNT = '210987654321';
const ORG = 'arn:aws:organizations::111122223333:organization/o-abcdef1234';
const OU = 'arn:aws:organizations::111122223333:ou/o-abcdef1234/ou-ab12-cdef3456';
const KEY = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('AMI lifecycle in the emulator', () => {
  let t: TestEmulator;
  let instanceId: string;
  let serial = 0;
  // The emulator's time, stopped while a test looks at a state that real time would end (a busy
  // machine can take longer than the short pending delay between two calls).
  let stoppedAt: number | undefined;
  beforeAll(async () => {
    t = await startTestEmulator({ clock: new Clock(() => stoppedAt ?? Date.now()) });
    [{ InstanceId: instanceId = '' } = {}] = await runningInstances(t.ec2);
  });
  afterAll(async () => t.close());
  afterEach(() => {
    stoppedAt = undefined;
  });

  async function bake(tags: { Key: string; Value: string }[] = []): Promise<string> {
    serial += 1;
    const { ImageId } = await t.ec2.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: `lifecycle-${serial}`,
        TagSpecifications: tags.length > 0 ? [{ ResourceType: 'image', Tags: tags }] : undefined,
      }),
    );
    await waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] });
    return ImageId!;
  }

  const emulatorNow = () => t.emulator.store.clock.now();

  async function describe1(imageId: string, client = t.ec2) {
    const { Images = [] } = await client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return Images[0]!;
  }

  describe('CopyImage', () => {
    it('copies into the destination region: pending there first, then available, encrypted with the given key and tagged from the source', async () => {
      const source = await bake([{ Key: 'ec2ops:source-instance', Value: instanceId }]);
      const west = t.client('us-west-2');
      stoppedAt = Date.now();
      const { ImageId: copyId } = await west.send(
        new CopyImageCommand({
          SourceRegion: 'us-east-1',
          SourceImageId: source,
          Name: 'lifecycle-copy',
          Encrypted: true,
          KmsKeyId: KEY,
          CopyImageTags: true,
        }),
      );
      const pending = await describe1(copyId!, west);
      expect(pending.State).toBe('pending');
      expect(pending.SourceImageId).toBe(source);
      expect(pending.SourceImageRegion).toBe('us-east-1');
      expect(pending.Tags).toEqual([{ Key: 'ec2ops:source-instance', Value: instanceId }]);
      stoppedAt = undefined;
      await waitUntilImageAvailable({ client: west, ...FAST_WAIT }, { ImageIds: [copyId!] });
      const snapshotId = (await describe1(copyId!, west)).BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
      const { Snapshots = [] } = await west.send(
        new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId!] }),
      );
      expect(Snapshots[0]).toMatchObject({ Encrypted: true, KmsKeyId: KEY, VolumeId: 'vol-ffffffff' });
      const inSource = await failure(t.ec2.send(new DescribeImagesCommand({ ImageIds: [copyId!] })));
      expect(inSource.code).toBe('InvalidAMIID.NotFound');
    });

    it('leaves the tags behind unless asked to copy them', async () => {
      const source = await bake([{ Key: 'team', Value: 'blue' }]);
      const west = t.client('us-west-2');
      const { ImageId } = await west.send(
        new CopyImageCommand({
          SourceRegion: 'us-east-1',
          SourceImageId: source,
          Name: `untagged-${source}`,
        }),
      );
      expect((await describe1(ImageId!, west)).Tags ?? []).toEqual([]);
    });

    it('makes one copy for one client token, however many times the request arrives at once', async () => {
      const source = await bake();
      const west = t.client({ region: 'us-west-2' });
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          west.send(
            new CopyImageCommand({
              SourceRegion: 'us-east-1',
              SourceImageId: source,
              Name: `replayed-${source}`,
              ClientToken: `token-${source}`,
            }),
          ),
        ),
      );
      expect(new Set(results.map((r) => r.ImageId)).size).toBe(1);
      const { Images = [] } = await west.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'name', Values: [`replayed-${source}`] }],
        }),
      );
      expect(Images).toHaveLength(1);
    });

    it('refuses a key without encryption and a source still pending, and creates nothing', async () => {
      const west = t.client('us-west-2');
      const before = (await west.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length;
      const source = await bake();
      const keyOnly = await failure(
        west.send(
          new CopyImageCommand({
            SourceRegion: 'us-east-1',
            SourceImageId: source,
            Name: 'bad-key',
            KmsKeyId: KEY,
          }),
        ),
      );
      expect(keyOnly.code).toBe('InvalidParameterCombination');
      const { ImageId: pendingId } = await t.ec2.send(
        new CreateImageCommand({ InstanceId: instanceId, Name: `still-pending-${source}` }),
      );
      const early = await failure(
        west.send(
          new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: pendingId, Name: 'too-early' }),
        ),
      );
      expect(early.code).toBe('IncorrectState');
      expect((await west.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length).toBe(before);
    });
  });

  describe('deprecation', () => {
    it('sets a deprecation time rounded to the minute and clears it again', async () => {
      const imageId = await bake();
      const at = new Date(emulatorNow() + 7 * 86_400_000);
      at.setUTCSeconds(40, 0);
      await t.ec2.send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: at }));
      const expected = new Date(Math.round(at.getTime() / 60_000) * 60_000).toISOString();
      expect((await describe1(imageId)).DeprecationTime).toBe(expected);
      await t.ec2.send(new DisableImageDeprecationCommand({ ImageId: imageId }));
      expect((await describe1(imageId)).DeprecationTime).toBeUndefined();
    });

    it('refuses a deprecation time in the past', async () => {
      const imageId = await bake();
      const past = await failure(
        t.ec2.send(
          new EnableImageDeprecationCommand({
            ImageId: imageId,
            DeprecateAt: new Date(emulatorNow() - 3_600_000),
          }),
        ),
      );
      expect(past.code).toBe('InvalidParameterValue');
      expect((await describe1(imageId)).DeprecationTime).toBeUndefined();
    });

    it("hides another owner's deprecated image unless IncludeDeprecated or its id is given; the owner always sees its own", async () => {
      const { Images: amazon = [] } = await t.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
      const publicImage = amazon[0]!.ImageId!;
      const record = images.in(t.emulator.store.region('us-east-1')).get(publicImage)!;
      record.deprecationTime = emulatorNow() - 60_000;
      try {
        const listed = async (include?: boolean) =>
          (
            (await t.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], IncludeDeprecated: include })))
              .Images ?? []
          ).map((i) => i.ImageId);
        expect(await listed()).not.toContain(publicImage);
        expect(await listed(true)).toContain(publicImage);
        expect((await describe1(publicImage)).ImageId).toBe(publicImage);
        const own = await bake();
        images.in(t.emulator.store.region('us-east-1')).get(own)!.deprecationTime = emulatorNow() - 60_000;
        const mine = (await t.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
        expect(mine.map((i) => i.ImageId)).toContain(own);
      } finally {
        record.deprecationTime = undefined;
      }
    });
  });

  describe('deregistration protection', () => {
    it('keeps a protected image: DeregisterImage is refused and the image stays', async () => {
      const imageId = await bake();
      await t.ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: imageId }));
      expect((await describe1(imageId)).DeregistrationProtection).toBe('enabled');
      const refused = await failure(t.ec2.send(new DeregisterImageCommand({ ImageId: imageId })));
      expect(refused.code).toBe('OperationNotPermitted');
      expect((await describe1(imageId)).State).toBe('available');
      await t.ec2.send(new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }));
      await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
      const gone = await failure(t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })));
      expect(gone.code).toBe('InvalidAMIID.NotFound');
    });

    it('with a cooldown, stays protected for 24 hours after protection is disabled', async () => {
      const imageId = await bake();
      await t.ec2.send(
        new EnableImageDeregistrationProtectionCommand({ ImageId: imageId, WithCooldown: true }),
      );
      expect((await describe1(imageId)).DeregistrationProtection).toBe('enabled-with-cooldown');
      await t.ec2.send(new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }));
      expect((await describe1(imageId)).DeregistrationProtection).toMatch(/^disabled-until /);
      expect((await failure(t.ec2.send(new DeregisterImageCommand({ ImageId: imageId })))).code).toBe(
        'OperationNotPermitted',
      );
      await t.control('POST', '/_emulator/clock/advance', { seconds: 24 * 3_600 + 1 });
      await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    });
  });

  describe('launch permissions', () => {
    it('shares with an account, an OU and the organisation, visible to the account as executable, and unshares', async () => {
      const imageId = await bake();
      await t.ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: imageId,
          LaunchPermission: {
            Add: [{ UserId: OTHER_ACCOUNT }, { OrganizationalUnitArn: OU }, { OrganizationArn: ORG }],
          },
        }),
      );
      const { LaunchPermissions = [] } = await t.ec2.send(
        new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
      );
      expect(LaunchPermissions).toEqual([
        { UserId: OTHER_ACCOUNT },
        { OrganizationalUnitArn: OU },
        { OrganizationArn: ORG },
      ]);
      const executable = await t.ec2.send(new DescribeImagesCommand({ ExecutableUsers: [OTHER_ACCOUNT] }));
      expect(executable.Images?.map((i) => i.ImageId)).toContain(imageId);
      expect((await describe1(imageId)).Public).toBe(false);

      await t.ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: imageId,
          Attribute: 'launchPermission',
          OperationType: 'remove',
          UserIds: [OTHER_ACCOUNT],
        }),
      );
      const after = await t.ec2.send(new DescribeImagesCommand({ ExecutableUsers: [OTHER_ACCOUNT] }));
      expect(after.Images?.map((i) => i.ImageId)).not.toContain(imageId);
      await t.ec2.send(new ResetImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }));
      const reset = await t.ec2.send(
        new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
      );
      expect(reset.LaunchPermissions).toEqual([]);
    });

    it('makes an image public with the all group', async () => {
      const imageId = await bake();
      await t.ec2.send(
        new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: [{ Group: 'all' }] } }),
      );
      expect((await describe1(imageId)).Public).toBe(true);
    });

    it('refuses a malformed account or OU and changes nothing', async () => {
      const imageId = await bake();
      for (const bad of [{ UserId: '12345' }, { OrganizationalUnitArn: 'ou-nope' }]) {
        const refused = await failure(
          t.ec2.send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: [bad] } })),
        );
        expect(refused.code).toBe('InvalidAMIAttributeItemValue');
      }
      const { LaunchPermissions } = await t.ec2.send(
        new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'launchPermission' }),
      );
      expect(LaunchPermissions).toEqual([]);
    });

    it('records when an image was last launched', async () => {
      const imageId = await bake();
      const before = await t.ec2.send(
        new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'lastLaunchedTime' }),
      );
      expect(before.LastLaunchedTime).toBeUndefined();
      await runningInstances(t.ec2, { ImageId: imageId });
      const after = await t.ec2.send(
        new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: 'lastLaunchedTime' }),
      );
      expect(Date.parse(after.LastLaunchedTime?.Value ?? '')).toBeGreaterThan(0);
      expect((await describe1(imageId)).LastLaunchedTime).toBe(after.LastLaunchedTime?.Value);
    });
  });

  it("grants and removes an account's create-volume permission on a snapshot", async () => {
    const imageId = await bake();
    const snapshotId = (await describe1(imageId)).BlockDeviceMappings?.[0]?.Ebs?.SnapshotId ?? '';
    await t.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        CreateVolumePermission: { Add: [{ UserId: OTHER_ACCOUNT }] },
      }),
    );
    const granted = await t.ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
    );
    expect(granted.CreateVolumePermissions).toEqual([{ UserId: OTHER_ACCOUNT }]);
    await t.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        Attribute: 'createVolumePermission',
        OperationType: 'remove',
        UserIds: [OTHER_ACCOUNT],
      }),
    );
    const removed = await t.ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
    );
    expect(removed.CreateVolumePermissions).toEqual([]);
  });
});
