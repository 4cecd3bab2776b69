import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  waitUntilImageAvailable,
  waitUntilSnapshotCompleted,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMAZON_OWNER_ID, CANONICAL_OWNER_ID } from '../../src/ec2/seed';
import { FAST_WAIT, runningInstances } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

const ACCOUNT = '123456789012';

describe('images and snapshots', () => {
  let t: TestEmulator;
  let instanceId: string;
  beforeAll(async () => {
    t = await startTestEmulator();
    [{ InstanceId: instanceId = '' } = {}] = await runningInstances(t.ec2, {
      BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
    });
  });
  afterAll(async () => t.close());

  async function bake(
    name: string,
    extra: Partial<ConstructorParameters<typeof CreateImageCommand>[0]> = {},
  ) {
    const { ImageId } = await t.ec2.send(
      new CreateImageCommand({ InstanceId: instanceId, Name: name, ...extra }),
    );
    await waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] });
    return ImageId!;
  }

  describe('DescribeImages', () => {
    it('lists the public images a new account sees: Amazon Linux 2023 and Ubuntu 24.04, both architectures', async () => {
      const { Images = [] } = await t.ec2.send(
        new DescribeImagesCommand({ Owners: ['amazon', CANONICAL_OWNER_ID] }),
      );
      const names = Images.map((i) => `${i.Name}|${i.Architecture}|${i.OwnerId}`).sort();
      expect(names).toEqual([
        `al2023-ami-2023.6.20241212.0-kernel-6.1-arm64|arm64|${AMAZON_OWNER_ID}`,
        `al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64|x86_64|${AMAZON_OWNER_ID}`,
        `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206|x86_64|${CANONICAL_OWNER_ID}`,
        `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206|arm64|${CANONICAL_OWNER_ID}`,
      ]);
      for (const image of Images) {
        expect(image.ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
        expect(image.State).toBe('available');
        expect(image.Public).toBe(true);
        expect(image.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
      }
    });

    it('filters by owner alias, name wildcards, architecture and image id', async () => {
      const byAlias = await t.ec2.send(
        new DescribeImagesCommand({ Filters: [{ Name: 'owner-alias', Values: ['amazon'] }] }),
      );
      expect(byAlias.Images?.map((i) => i.ImageOwnerAlias)).toEqual(['amazon', 'amazon']);
      const ubuntuArm = await t.ec2.send(
        new DescribeImagesCommand({
          Filters: [
            { Name: 'name', Values: ['ubuntu/images/*/ubuntu-noble-24.04-???64-server-*'] },
            { Name: 'architecture', Values: ['arm64'] },
          ],
        }),
      );
      expect(ubuntuArm.Images?.map((i) => i.Name)).toEqual([
        'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206',
      ]);
      const id = ubuntuArm.Images![0]!.ImageId!;
      const byId = await t.ec2.send(
        new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: [id] }] }),
      );
      expect(byId.Images?.map((i) => i.ImageId)).toEqual([id]);
    });

    it('refuses malformed and unknown image ids and unknown filters', async () => {
      expect((await failure(t.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-xyz'] })))).code).toBe(
        'InvalidAMIID.Malformed',
      );
      const missing = await failure(
        t.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })),
      );
      expect(missing).toMatchObject({ code: 'InvalidAMIID.NotFound', status: 400 });
      expect(
        (
          await failure(
            t.ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
          )
        ).code,
      ).toBe('InvalidParameterValue');
      expect((await failure(t.ec2.send(new DescribeImagesCommand({ Owners: ['somebody'] })))).code).toBe(
        'InvalidUserID.Malformed',
      );
    });

    it('answers DryRun with DryRunOperation', async () => {
      expect((await failure(t.ec2.send(new DescribeImagesCommand({ DryRun: true })))).code).toBe(
        'DryRunOperation',
      );
    });
  });

  describe('CreateImage', () => {
    it('creates a pending image that becomes available, with a snapshot per volume and tags on both', async () => {
      // Pending for an hour of emulator time, then the clock moves: "pending" is seen whatever
      // the machine's load, and no real hour passes.
      const control = async (path: string, body: unknown) => {
        const res = await fetch(`${t.url}/_emulator/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      };
      await control('delays', { imagePending: 3_600_000 });
      const { ImageId } = await t.ec2.send(
        new CreateImageCommand({
          InstanceId: instanceId,
          Name: 'nightly-2024-01-01',
          Description: 'nightly bake',
          NoReboot: true,
          TagSpecifications: [
            { ResourceType: 'image', Tags: [{ Key: 'ec2ops:source-instance', Value: instanceId }] },
            { ResourceType: 'snapshot', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] },
          ],
        }),
      );
      expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
      const pending = await t.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }));
      expect(pending.Images?.[0]?.State).toBe('pending');
      await control('delays', { imagePending: 200 });
      await control('clock/advance', { seconds: 3_600 });
      await waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] });
      const [image] = (await t.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images ?? [];
      expect(image).toMatchObject({
        State: 'available',
        OwnerId: ACCOUNT,
        Public: false,
        Name: 'nightly-2024-01-01',
        Description: 'nightly bake',
        Architecture: 'x86_64',
        Tags: [{ Key: 'ec2ops:source-instance', Value: instanceId }],
      });
      const devices = image!.BlockDeviceMappings!.map((d) => [d.DeviceName, d.Ebs?.VolumeSize]);
      expect(devices).toEqual([
        ['/dev/xvda', 8],
        ['/dev/sdf', 20],
      ]);
      const snapshotIds = image!.BlockDeviceMappings!.map((d) => d.Ebs!.SnapshotId!);
      await waitUntilSnapshotCompleted({ client: t.ec2, ...FAST_WAIT }, { SnapshotIds: snapshotIds });
      const { Snapshots = [] } = await t.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
      expect(Snapshots.map((s) => [s.State, s.OwnerId, s.Tags])).toEqual([
        ['completed', ACCOUNT, [{ Key: 'ec2ops:managed', Value: 'true' }]],
        ['completed', ACCOUNT, [{ Key: 'ec2ops:managed', Value: 'true' }]],
      ]);
    });

    it('applies BlockDeviceMappings: a larger root, a removed device, an added volume', async () => {
      const imageId = await bake('mapped', {
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16 } },
          { DeviceName: '/dev/sdf', NoDevice: '' },
          { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 5, VolumeType: 'gp3' } },
        ],
      });
      const [image] = (await t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images ?? [];
      expect(image!.BlockDeviceMappings!.map((d) => [d.DeviceName, d.Ebs?.VolumeSize])).toEqual([
        ['/dev/xvda', 16],
        ['/dev/sdg', 5],
      ]);
    });

    it('refuses a duplicate name, a malformed name and a smaller root volume', async () => {
      await bake('unique-name');
      const duplicate = await failure(
        t.ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'unique-name' })),
      );
      expect(duplicate.code).toBe('InvalidAMIName.Duplicate');
      const malformedName = await failure(
        t.ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'a{b}c' })),
      );
      expect(malformedName.code).toBe('InvalidAMIName.Malformed');
      const smaller = await failure(
        t.ec2.send(
          new CreateImageCommand({
            InstanceId: instanceId,
            Name: 'smaller',
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 4 } }],
          }),
        ),
      );
      expect(smaller.code).toBe('InvalidBlockDeviceMapping');
      const unknown = await failure(
        t.ec2.send(new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'x-y-z' })),
      );
      expect(unknown.code).toBe('InvalidInstanceID.NotFound');
    });

    it('validates a DryRun fully and creates nothing', async () => {
      const before = (await t.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length;
      const dry = await failure(
        t.ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'dry-run', DryRun: true })),
      );
      expect(dry).toMatchObject({ code: 'DryRunOperation', status: 412 });
      const invalid = await failure(
        t.ec2.send(
          new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'dry-run', DryRun: true }),
        ),
      );
      expect(invalid.code).toBe('InvalidInstanceID.NotFound');
      expect((await t.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length).toBe(before);
    });
  });

  describe('control endpoint: image states', () => {
    it('keeps an image pending while held, then lets it become available', async () => {
      const { ImageId } = await t.ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'held' }));
      const held = await t.control('POST', `/_emulator/images/${ImageId}/state`, { hold: true });
      expect(held).toEqual({ status: 200, json: { imageId: ImageId, state: 'pending', held: true } });
      // Emulator time, far past the 200 ms pending delay: only the hold keeps it pending.
      await t.control('POST', '/_emulator/clock/advance', { seconds: 5 });
      expect((await t.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images?.[0]?.State).toBe(
        'pending',
      );
      await t.control('POST', `/_emulator/images/${ImageId}/state`, { hold: false });
      await waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] });
    });

    it('fails an image, and the waiter reports the failure', async () => {
      const { ImageId } = await t.ec2.send(
        new CreateImageCommand({ InstanceId: instanceId, Name: 'doomed' }),
      );
      const failed = await t.control('POST', `/_emulator/images/${ImageId}/state`, { state: 'failed' });
      expect(failed.status).toBe(200);
      const [image] = (await t.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images ?? [];
      expect(image?.State).toBe('failed');
      expect(image?.StateReason?.Code).toBe('Client.InternalError');
      await expect(
        waitUntilImageAvailable({ client: t.ec2, ...FAST_WAIT }, { ImageIds: [ImageId!] }),
      ).rejects.toThrow();
      expect(
        (await t.control('POST', '/_emulator/images/ami-0123456789abcdef0/state', { state: 'failed' }))
          .status,
      ).toBe(404);
      expect(
        (await t.control('POST', `/_emulator/images/${ImageId}/state`, { state: 'melted' })).status,
      ).toBe(400);
    });
  });

  describe('DeregisterImage, DescribeSnapshots, DeleteSnapshot', () => {
    it('refuses to delete a snapshot while a registered image uses it, and allows it after deregistration', async () => {
      const imageId = await bake('to-retire');
      const [image] = (await t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images ?? [];
      const snapshotId = image!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
      const inUse = await failure(t.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
      expect(inUse.code).toBe('InvalidSnapshot.InUse');
      expect(inUse.message).toContain(imageId);
      await t.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
      expect((await failure(t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })))).code).toBe(
        'InvalidAMIID.NotFound',
      );
      await t.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
      expect(
        (await failure(t.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })))).code,
      ).toBe('InvalidSnapshot.NotFound');
    });

    it("refuses to deregister someone else's image and unknown ids", async () => {
      const [amazon] = (await t.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images ?? [];
      expect(
        (await failure(t.ec2.send(new DeregisterImageCommand({ ImageId: amazon!.ImageId! })))).code,
      ).toBe('AuthFailure');
      expect(
        (await failure(t.ec2.send(new DeregisterImageCommand({ ImageId: 'ami-0123456789abcdef0' })))).code,
      ).toBe('InvalidAMIID.NotFound');
      expect((await failure(t.ec2.send(new DeleteSnapshotCommand({ SnapshotId: 'snap-nope' })))).code).toBe(
        'InvalidSnapshotID.Malformed',
      );
    });

    it('deregisters with DryRun only in words', async () => {
      const imageId = await bake('dry-deregister');
      expect(
        (await failure(t.ec2.send(new DeregisterImageCommand({ ImageId: imageId, DryRun: true })))).code,
      ).toBe('DryRunOperation');
      expect((await t.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images).toHaveLength(1);
    });

    it('lists snapshots by owner and filters, page by page', async () => {
      const own = await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
      expect(own.Snapshots!.length).toBeGreaterThanOrEqual(5);
      expect(own.Snapshots!.every((s) => s.OwnerId === ACCOUNT)).toBe(true);
      const amazon = await t.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['amazon'] }));
      expect(amazon.Snapshots?.map((s) => s.OwnerAlias)).toEqual(['amazon', 'amazon']);
      const tagged = await t.ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }] }),
      );
      expect(tagged.Snapshots).toHaveLength(2);
      const pages: number[] = [];
      for await (const page of paginateDescribeSnapshots(
        { client: t.ec2, pageSize: 5 },
        { OwnerIds: ['self'] },
      )) {
        pages.push(page.Snapshots?.length ?? 0);
      }
      expect(pages.reduce((a, b) => a + b, 0)).toBe(own.Snapshots!.length);
      expect(pages[0]).toBe(5);
      expect((await failure(t.ec2.send(new DescribeSnapshotsCommand({ MaxResults: 4 })))).code).toBe(
        'InvalidParameterValue',
      );
    });

    it('pages through images with paginateDescribeImages', async () => {
      const all = (await t.ec2.send(new DescribeImagesCommand({}))).Images!.map((i) => i.ImageId);
      const paged: string[] = [];
      for await (const page of paginateDescribeImages({ client: t.ec2, pageSize: 2 }, {})) {
        expect(page.Images!.length).toBeLessThanOrEqual(2);
        paged.push(...page.Images!.map((i) => i.ImageId!));
      }
      expect(paged).toEqual(all);
    });
  });
});
