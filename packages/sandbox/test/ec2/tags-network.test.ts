import { createPrivateKey } from 'node:crypto';
import {
  CreateKeyPairCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  paginateDescribeSubnets,
  paginateDescribeTags,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningInstances } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

describe('tags, networks, key pairs, regions', () => {
  let t: TestEmulator;
  let ec2: EC2Client;
  beforeAll(async () => {
    t = await startTestEmulator();
    ec2 = t.ec2;
  });
  afterAll(async () => t.close());

  describe('CreateTags, DeleteTags, DescribeTags', () => {
    it('tags many resources of different kinds at once and describes them', async () => {
      const [instance] = await runningInstances(ec2);
      const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
      const volumeId = instance!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      const resources = [instance!.InstanceId!, vpcId, volumeId];
      await ec2.send(
        new CreateTagsCommand({
          Resources: resources,
          Tags: [
            { Key: 'ec2ops:managed', Value: 'true' },
            { Key: 'env', Value: 'dev' },
          ],
        }),
      );
      const tags = await ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['ec2ops:*'] }] }),
      );
      expect(tags.Tags?.map((tag) => [tag.ResourceId, tag.ResourceType, tag.Value]).sort()).toEqual(
        [
          [instance!.InstanceId, 'instance', 'true'],
          [vpcId, 'vpc', 'true'],
          [volumeId, 'volume', 'true'],
        ].sort(),
      );
      const byType = await ec2.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-type', Values: ['volume'] },
            { Name: 'value', Values: ['d?v'] },
          ],
        }),
      );
      expect(byType.Tags).toEqual([
        { ResourceId: volumeId, ResourceType: 'volume', Key: 'env', Value: 'dev' },
      ]);

      // overwrite one value, delete by key+value (no match), by key alone, then everything
      await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env', Value: 'prod' }] }));
      await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env', Value: 'dev' }] }));
      const vpcTags = async () =>
        (
          await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }))
        ).Tags?.map((tag) => `${tag.Key}=${tag.Value}`);
      expect(await vpcTags()).toEqual(['ec2ops:managed=true', 'env=prod']);
      await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env' }] }));
      expect(await vpcTags()).toEqual(['ec2ops:managed=true']);
      await ec2.send(new DeleteTagsCommand({ Resources: [vpcId] }));
      expect(await vpcTags()).toEqual([]);
    });

    it('refuses unknown and malformed ids without tagging any resource', async () => {
      const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
      const tag = [{ Key: 'x', Value: 'y' }];
      expect(
        (
          await failure(
            ec2.send(new CreateTagsCommand({ Resources: [vpcId, 'i-0123456789abcdef0'], Tags: tag })),
          )
        ).code,
      ).toBe('InvalidInstanceID.NotFound');
      expect(
        (await failure(ec2.send(new CreateTagsCommand({ Resources: ['ami-123'], Tags: tag })))).code,
      ).toBe('InvalidAMIID.Malformed');
      expect(
        (await failure(ec2.send(new CreateTagsCommand({ Resources: ['banana'], Tags: tag })))).code,
      ).toBe('InvalidID');
      expect(
        (
          await failure(
            ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'y' }] })),
          )
        ).code,
      ).toBe('InvalidParameterValue');
      const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      expect(
        (await failure(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: tooMany })))).code,
      ).toBe('TagLimitExceeded');
      expect(
        (await failure(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: tag, DryRun: true }))))
          .code,
      ).toBe('DryRunOperation');
      const left = await ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }),
      );
      expect(left.Tags).toEqual([]);
    });

    it('finds instances by a tag added after launch', async () => {
      const [instance] = await runningInstances(ec2);
      await ec2.send(
        new CreateTagsCommand({
          Resources: [instance!.InstanceId!],
          Tags: [{ Key: 'ec2ops:bake', Value: 'nightly' }],
        }),
      );
      const found = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'tag:ec2ops:bake', Values: ['nightly'] }] }),
      );
      expect(found.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([
        instance!.InstanceId,
      ]);
    });

    it('resumes a page at the right item when the previous pages were deleted meanwhile', async () => {
      const [instance] = await runningInstances(ec2);
      const id = instance!.InstanceId!;
      const tags = Array.from({ length: 12 }, (_, i) => ({
        Key: `sweep-${String(i).padStart(2, '0')}`,
        Value: 'x',
      }));
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags }));
      const seen: string[] = [];
      for await (const page of paginateDescribeTags(
        { client: ec2, pageSize: 5 },
        { Filters: [{ Name: 'key', Values: ['sweep-*'] }] },
      )) {
        const keys = (page.Tags ?? []).map((tag) => tag.Key!);
        seen.push(...keys);
        await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: keys.map((Key) => ({ Key })) }));
      }
      expect(seen).toEqual(tags.map((tag) => tag.Key));
    });

    it('pages DescribeTags', async () => {
      const [instance] = await runningInstances(ec2);
      const tags = Array.from({ length: 12 }, (_, i) => ({
        Key: `page-${String(i).padStart(2, '0')}`,
        Value: String(i),
      }));
      await ec2.send(new CreateTagsCommand({ Resources: [instance!.InstanceId!], Tags: tags }));
      const keys: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeTags(
        { client: ec2, pageSize: 5 },
        { Filters: [{ Name: 'key', Values: ['page-*'] }] },
      )) {
        pages += 1;
        keys.push(...(page.Tags ?? []).map((tag) => tag.Key!));
      }
      expect(pages).toBe(3);
      expect(keys).toEqual(tags.map((tag) => tag.Key));
    });
  });

  describe('VPCs and subnets', () => {
    it('has a default VPC with a default subnet in two zones', async () => {
      const { Vpcs = [] } = await ec2.send(
        new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
      );
      expect(Vpcs.map((v) => [v.CidrBlock, v.IsDefault, v.State])).toEqual([
        ['172.31.0.0/16', true, 'available'],
      ]);
      const { Subnets = [] } = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpcs[0]!.VpcId!] }] }),
      );
      expect(
        Subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch]).sort(),
      ).toEqual([
        ['us-east-1a', '172.31.0.0/20', true, true],
        ['us-east-1b', '172.31.16.0/20', true, true],
      ]);
    });

    it('creates a VPC and subnets inside it, refusing ranges outside or overlapping', async () => {
      const { Vpc } = await ec2.send(
        new CreateVpcCommand({
          CidrBlock: '10.20.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'lab' }] }],
        }),
      );
      expect(Vpc?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(Vpc?.IsDefault).toBe(false);
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({
          VpcId: Vpc!.VpcId!,
          CidrBlock: '10.20.1.0/24',
          AvailabilityZone: 'us-east-1b',
        }),
      );
      expect(Subnet).toMatchObject({
        CidrBlock: '10.20.1.0/24',
        AvailabilityZone: 'us-east-1b',
        AvailableIpAddressCount: 251,
        DefaultForAz: false,
      });
      const outside = await failure(
        ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.21.0.0/24' })),
      );
      expect(outside.code).toBe('InvalidSubnet.Range');
      const overlap = await failure(
        ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.20.1.128/25' })),
      );
      expect(overlap.code).toBe('InvalidSubnet.Conflict');
      expect(
        (
          await failure(
            ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.0.0/24' })),
          )
        ).code,
      ).toBe('InvalidVpcID.NotFound');
      expect((await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })))).code).toBe(
        'InvalidVpc.Range',
      );
      const byTag = await ec2.send(
        new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['lab'] }] }),
      );
      expect(byTag.Vpcs?.map((v) => v.VpcId)).toEqual([Vpc!.VpcId]);
      expect(
        (await failure(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] }))))
          .code,
      ).toBe('InvalidSubnetID.NotFound');
      expect(
        (await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })))).code,
      ).toBe('InvalidVpcID.NotFound');
      expect(
        (await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', DryRun: true })))).code,
      ).toBe('DryRunOperation');
      expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(2);
    });

    it('pages VPCs and subnets', async () => {
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
      for (let i = 0; i < 6; i += 1) {
        await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: `10.60.${i}.0/24` }));
      }
      const sizes: number[] = [];
      for await (const page of paginateDescribeSubnets(
        { client: ec2, pageSize: 5 },
        { Filters: [{ Name: 'vpc-id', Values: [Vpc!.VpcId!] }] },
      )) {
        sizes.push(page.Subnets?.length ?? 0);
      }
      expect(sizes).toEqual([5, 1]);
      const vpcIds: string[] = [];
      for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 5 }, {})) {
        vpcIds.push(...(page.Vpcs ?? []).map((v) => v.VpcId!));
      }
      expect(vpcIds).toContain(Vpc!.VpcId);
      expect(new Set(vpcIds).size).toBe(vpcIds.length);
    });

    it('launches into a new subnet without a public IP, with addresses from its range', async () => {
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.40.7.0/28' }),
      );
      const [instance] = await runningInstances(ec2, { SubnetId: Subnet!.SubnetId! });
      expect(instance!.PrivateIpAddress).toBe('10.40.7.4');
      expect(instance!.PublicIpAddress).toBeUndefined();
      expect(instance!.VpcId).toBe(Vpc!.VpcId);
      const [after] =
        (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [Subnet!.SubnetId!] }))).Subnets ?? [];
      expect(after!.AvailableIpAddressCount).toBe(10);
    });
  });

  describe('key pairs', () => {
    it('creates a key pair with usable private key material, lists it, refuses duplicates and deletes it', async () => {
      const created = await ec2.send(
        new CreateKeyPairCommand({
          KeyName: 'ops',
          TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'team', Value: 'ops' }] }],
        }),
      );
      expect(created.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
      expect(created.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
      expect(createPrivateKey(created.KeyMaterial!).asymmetricKeyType).toBe('rsa');
      const ed = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops-ed', KeyType: 'ed25519' }));
      expect(createPrivateKey(ed.KeyMaterial!).asymmetricKeyType).toBe('ed25519');
      const listed = await ec2.send(
        new DescribeKeyPairsCommand({ KeyNames: ['ops'], IncludePublicKey: true }),
      );
      expect(listed.KeyPairs?.map((k) => [k.KeyName, k.KeyType, k.Tags])).toEqual([
        ['ops', 'rsa', [{ Key: 'team', Value: 'ops' }]],
      ]);
      expect(listed.KeyPairs?.[0]?.PublicKey).toMatch(/^ssh-rsa AAAA/);
      expect((await failure(ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' })))).code).toBe(
        'InvalidKeyPair.Duplicate',
      );
      expect((await failure(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['nobody'] })))).code).toBe(
        'InvalidKeyPair.NotFound',
      );
      const [instance] = await runningInstances(ec2, { KeyName: 'ops' });
      expect(instance!.KeyName).toBe('ops');
      await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops' }));
      expect((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs?.map((k) => k.KeyName)).toEqual([
        'ops-ed',
      ]);
    });
  });

  describe('regions and zones', () => {
    it('lists regions, filtered, and refuses unknown names', async () => {
      const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({}));
      expect(Regions.map((r) => r.RegionName)).toEqual(
        expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
      );
      const eu = await ec2.send(
        new DescribeRegionsCommand({ Filters: [{ Name: 'region-name', Values: ['eu-*'] }] }),
      );
      expect(eu.Regions?.every((r) => r.RegionName?.startsWith('eu-'))).toBe(true);
      expect(eu.Regions?.[0]?.Endpoint).toBe(`ec2.${eu.Regions?.[0]?.RegionName}.amazonaws.com`);
      expect(
        (await failure(ec2.send(new DescribeRegionsCommand({ RegionNames: ['mars-north-1'] })))).code,
      ).toBe('InvalidParameterValue');
    });

    it("lists the client's region's zones", async () => {
      const zones = await t.client('ap-northeast-1').send(new DescribeAvailabilityZonesCommand({}));
      expect(zones.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
        ['ap-northeast-1a', 'apne1-az1', 'available'],
        ['ap-northeast-1b', 'apne1-az2', 'available'],
        ['ap-northeast-1c', 'apne1-az3', 'available'],
      ]);
      const one = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1b'] }));
      expect(one.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1b']);
    });
  });
});
