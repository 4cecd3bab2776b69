import {
  CreateImageCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  type EC2Client,
  paginateDescribeInstances,
  paginateDescribeInstanceTypes,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonLinuxImage, FAST_WAIT, runningInstances } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

const ipToNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

describe('instances', () => {
  let t: TestEmulator;
  let ec2: EC2Client;
  let imageId: string;
  beforeAll(async () => {
    t = await startTestEmulator();
    ec2 = t.ec2;
    imageId = await amazonLinuxImage(ec2);
  });
  afterAll(async () => t.close());

  describe('RunInstances', () => {
    it('launches pending instances in a default subnet with private and public IPs, tags and volumes', async () => {
      const result = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 't3.small',
          MinCount: 2,
          MaxCount: 2,
          IamInstanceProfile: { Name: 'ec2ops-instance' },
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          BlockDeviceMappings: [
            {
              DeviceName: '/dev/xvda',
              Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
            },
            { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } },
          ],
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'Name', Value: 'web' },
                { Key: 'ec2ops:owner', Value: 'U1' },
              ],
            },
            { ResourceType: 'volume', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] },
          ],
        }),
      );
      expect(result.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
      expect(result.OwnerId).toBe('123456789012');
      expect(result.Instances).toHaveLength(2);
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
      for (const [index, instance] of (result.Instances ?? []).entries()) {
        expect(instance.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
        expect(instance.State).toEqual({ Code: 0, Name: 'pending' });
        expect(instance.AmiLaunchIndex).toBe(index);
        expect(instance.ImageId).toBe(imageId);
        expect(instance.InstanceType).toBe('t3.small');
        expect(instance.Tags).toEqual([
          { Key: 'Name', Value: 'web' },
          { Key: 'ec2ops:owner', Value: 'U1' },
        ]);
        expect(instance.IamInstanceProfile?.Arn).toBe(
          'arn:aws:iam::123456789012:instance-profile/ec2ops-instance',
        );
        expect(instance.MetadataOptions).toMatchObject({
          HttpTokens: 'required',
          HttpPutResponseHopLimit: 1,
        });
        expect(instance.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
        const subnet = subnets.find((s) => s.SubnetId === instance.SubnetId)!;
        expect(subnet.DefaultForAz).toBe(true);
        const [network, prefix] = subnet.CidrBlock!.split('/');
        const offset = ipToNumber(instance.PrivateIpAddress!) - ipToNumber(network!);
        expect(offset).toBeGreaterThanOrEqual(4);
        expect(offset).toBeLessThan(2 ** (32 - Number(prefix)));
        expect(instance.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(instance.BlockDeviceMappings?.map((b) => b.DeviceName)).toEqual(['/dev/xvda', '/dev/sdf']);
      }
      const first = result.Instances![0]!;
      const volumes = await ec2.send(
        new DescribeVolumesCommand({
          Filters: [{ Name: 'attachment.instance-id', Values: [first.InstanceId!] }],
        }),
      );
      const summary = volumes.Volumes?.map((v) => [
        v.Size,
        v.VolumeType,
        v.Encrypted,
        v.Attachments?.[0]?.DeleteOnTermination,
        v.Tags,
      ]);
      expect(summary).toEqual([
        [30, 'gp3', true, true, [{ Key: 'ec2ops:managed', Value: 'true' }]],
        [10, 'gp3', false, false, [{ Key: 'ec2ops:managed', Value: 'true' }]],
      ]);
      await waitUntilInstanceRunning(
        { client: ec2, ...FAST_WAIT },
        { InstanceIds: result.Instances!.map((i) => i.InstanceId!) },
      );
    });

    it('returns the original reservation for a repeated ClientToken, and refuses the token with other parameters', async () => {
      const input = {
        ImageId: imageId,
        InstanceType: 't3.micro' as const,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: 'slack-req-42',
      };
      const first = await ec2.send(new RunInstancesCommand(input));
      const second = await ec2.send(new RunInstancesCommand(input));
      expect(second.ReservationId).toBe(first.ReservationId);
      expect(second.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
      const tokened = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: ['slack-req-42'] }] }),
      );
      expect(tokened.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);
      const mismatch = await failure(
        ec2.send(new RunInstancesCommand({ ...input, InstanceType: 't3.large' })),
      );
      expect(mismatch).toMatchObject({ code: 'IdempotentParameterMismatch', status: 400 });
    });

    it('refuses images that are malformed, unknown or not available', async () => {
      const run = (image: string) =>
        ec2.send(
          new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }),
        );
      expect((await failure(run('ami-12'))).code).toBe('InvalidAMIID.Malformed');
      expect((await failure(run('ami-0123456789abcdef0'))).code).toBe('InvalidAMIID.NotFound');
      const [instance] = await runningInstances(ec2);
      const { ImageId: pendingImage } = await ec2.send(
        new CreateImageCommand({ InstanceId: instance!.InstanceId!, Name: 'not-yet' }),
      );
      await t.control('POST', `/_emulator/images/${pendingImage}/state`, { hold: true });
      expect((await failure(run(pendingImage!))).code).toBe('InvalidAMIID.Unavailable');
    });

    it('validates instance type, architecture, counts, subnet, groups and key pair', async () => {
      const base = { ImageId: imageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' as const };
      const cases: [Record<string, unknown>, string][] = [
        [{ InstanceType: 't3.gigantic' }, 'InvalidParameterValue'],
        [{ InstanceType: 't4g.micro' }, 'InvalidParameterValue'],
        [{ MinCount: 3, MaxCount: 2 }, 'InvalidParameterValue'],
        [{ MinCount: 0 }, 'InvalidParameterValue'],
        [{ SubnetId: 'subnet-0123456789abcdef0' }, 'InvalidSubnetID.NotFound'],
        [{ SecurityGroupIds: ['sg-zzz'] }, 'InvalidGroupId.Malformed'],
        [{ SecurityGroupIds: ['sg-0123456789abcdef0'] }, 'InvalidGroup.NotFound'],
        [{ KeyName: 'nobody-key' }, 'InvalidKeyPair.NotFound'],
        [{ MetadataOptions: { HttpTokens: 'sometimes' } }, 'InvalidParameterValue'],
        [
          { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 2 } }] },
          'InvalidBlockDeviceMapping',
        ],
        [
          { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'gp3', Iops: 100 } }] },
          'InvalidParameterValue',
        ],
        [{ IamInstanceProfile: { Arn: 'not-an-arn' } }, 'InvalidParameterValue'],
        [
          { TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'a', Value: 'b' }] }] },
          'InvalidParameterValue',
        ],
        [
          { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:reserved', Value: 'b' }] }] },
          'InvalidParameterValue',
        ],
      ];
      const before = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length;
      for (const [override, code] of cases) {
        const error = await failure(ec2.send(new RunInstancesCommand({ ...base, ...override } as never)));
        expect({ override, code: error.code }).toEqual({ override, code });
      }
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length).toBe(before);
    });

    it('launches arm64 images on Graviton types', async () => {
      const arm = await amazonLinuxImage(ec2, 'arm64');
      const [instance] = await runningInstances(ec2, { ImageId: arm, InstanceType: 'm7g.large' });
      expect(instance?.Architecture).toBe('arm64');
    });

    it('answers DryRun with DryRunOperation after validating, and launches nothing', async () => {
      const before = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length;
      const dry = await failure(
        ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, DryRun: true })),
      );
      expect(dry).toMatchObject({ code: 'DryRunOperation', status: 412 });
      const invalid = await failure(
        ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-0123456789abcdef0',
            MinCount: 1,
            MaxCount: 1,
            DryRun: true,
          }),
        ),
      );
      expect(invalid.code).toBe('InvalidAMIID.NotFound');
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations?.length).toBe(before);
    });
  });

  describe('DescribeInstances', () => {
    let fleet: string[];
    beforeAll(async () => {
      const launched = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 'c7i.large',
          MinCount: 12,
          MaxCount: 12,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'fleet-a' }] }],
        }),
      );
      fleet = launched.Instances!.map((i) => i.InstanceId!);
      await waitUntilInstanceRunning({ client: ec2, ...FAST_WAIT }, { InstanceIds: fleet });
    });

    const ids = (reservations: { Instances?: { InstanceId?: string }[] }[] | undefined) =>
      (reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);

    it('filters by tag, tag-key, type, image, state, subnet, vpc and id, with wildcards', async () => {
      const describe = async (filters: { Name: string; Values: string[] }[]) =>
        ids((await ec2.send(new DescribeInstancesCommand({ Filters: filters }))).Reservations).sort();
      const sorted = [...fleet].sort();
      expect(await describe([{ Name: 'tag:team', Values: ['fleet-?'] }])).toEqual(sorted);
      expect(await describe([{ Name: 'tag-key', Values: ['te*'] }])).toEqual(sorted);
      expect(await describe([{ Name: 'instance-type', Values: ['c7i.large'] }])).toEqual(sorted);
      expect(
        await describe([
          { Name: 'instance-state-name', Values: ['running'] },
          { Name: 'tag:team', Values: ['fleet-a'] },
        ]),
      ).toEqual(sorted);
      expect(
        await describe([
          { Name: 'instance-state-name', Values: ['stopped'] },
          { Name: 'tag:team', Values: ['*'] },
        ]),
      ).toEqual([]);
      expect(await describe([{ Name: 'instance-id', Values: [fleet[0]!] }])).toEqual([fleet[0]]);
      const [first] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [fleet[0]!] })))
        .Reservations![0]!.Instances!;
      expect(
        await describe([
          { Name: 'tag:team', Values: ['fleet-a'] },
          { Name: 'subnet-id', Values: [first!.SubnetId!] },
          { Name: 'vpc-id', Values: [first!.VpcId!] },
          { Name: 'image-id', Values: [imageId] },
        ]),
      ).toEqual(sorted);
    });

    it('groups instances by reservation', async () => {
      const result = await ec2.send(new DescribeInstancesCommand({ InstanceIds: fleet }));
      expect(result.Reservations).toHaveLength(1);
      expect(result.Reservations![0]!.Instances).toHaveLength(12);
    });

    it('names every unknown id and refuses malformed ones', async () => {
      const missing = await failure(
        ec2.send(
          new DescribeInstancesCommand({
            InstanceIds: [fleet[0]!, 'i-0000000000000000a', 'i-0000000000000000b'],
          }),
        ),
      );
      expect(missing.code).toBe('InvalidInstanceID.NotFound');
      expect(missing.message).toContain('i-0000000000000000a');
      expect(missing.message).toContain('i-0000000000000000b');
      expect(
        (await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['instance-1'] })))).code,
      ).toBe('InvalidInstanceID.Malformed');
      expect(
        (await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: fleet, MaxResults: 5 })))).code,
      ).toBe('InvalidParameterCombination');
      expect((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 1001 })))).code).toBe(
        'InvalidParameterValue',
      );
    });

    it('pages with paginateDescribeInstances', async () => {
      const pages: string[][] = [];
      for await (const page of paginateDescribeInstances(
        { client: ec2, pageSize: 5 },
        { Filters: [{ Name: 'tag:team', Values: ['fleet-a'] }] },
      )) {
        pages.push(ids(page.Reservations));
      }
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      expect(pages.flat().sort()).toEqual([...fleet].sort());
    });
  });

  describe('state transitions', () => {
    it('stops (stopping → stopped), starts (pending → running) and terminates (shutting-down → terminated)', async () => {
      const [launched] = await runningInstances(ec2, {
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 4, DeleteOnTermination: false } }],
      });
      const id = launched!.InstanceId!;
      const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(stop.StoppingInstances).toEqual([
        {
          InstanceId: id,
          CurrentState: { Code: 64, Name: 'stopping' },
          PreviousState: { Code: 16, Name: 'running' },
        },
      ]);
      await waitUntilInstanceStopped({ client: ec2, ...FAST_WAIT }, { InstanceIds: [id] });
      const [stopped] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
        .Reservations![0]!.Instances!;
      expect(stopped!.StateReason?.Code).toBe('Client.UserInitiatedShutdown');
      expect(stopped!.StateTransitionReason).toMatch(
        /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/,
      );
      expect(stopped!.PublicIpAddress).toBeUndefined();
      const again = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      expect(again.StoppingInstances?.[0]?.CurrentState?.Name).toBe('stopped');

      const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      expect(start.StartingInstances?.[0]).toMatchObject({
        CurrentState: { Name: 'pending' },
        PreviousState: { Name: 'stopped' },
      });
      await waitUntilInstanceRunning({ client: ec2, ...FAST_WAIT }, { InstanceIds: [id] });
      const [restarted] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
        .Reservations![0]!.Instances!;
      expect(restarted!.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

      const terminate = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      expect(terminate.TerminatingInstances?.[0]?.CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
      await waitUntilInstanceTerminated({ client: ec2, ...FAST_WAIT }, { InstanceIds: [id] });
      const [terminated] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
        .Reservations![0]!.Instances!;
      expect(terminated!.State?.Name).toBe('terminated');
      expect(terminated!.PublicIpAddress).toBeUndefined();
      const volumes = await ec2.send(
        new DescribeVolumesCommand({
          VolumeIds: launched!.BlockDeviceMappings!.map((b) => b.Ebs!.VolumeId!).slice(1),
        }),
      );
      expect(volumes.Volumes?.map((v) => [v.State, v.Attachments])).toEqual([['available', []]]);
      expect((await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })))).code).toBe(
        'IncorrectInstanceState',
      );
      expect((await failure(ec2.send(new StopInstancesCommand({ InstanceIds: [id] })))).code).toBe(
        'IncorrectInstanceState',
      );
    });

    it('changes nothing on DryRun and refuses unknown ids', async () => {
      const [instance] = await runningInstances(ec2);
      const id = instance!.InstanceId!;
      for (const command of [
        new StopInstancesCommand({ InstanceIds: [id], DryRun: true }),
        new TerminateInstancesCommand({ InstanceIds: [id], DryRun: true }),
        new StartInstancesCommand({ InstanceIds: [id], DryRun: true }),
      ]) {
        expect((await failure(ec2.send(command as never))).code).toBe('DryRunOperation');
      }
      const [still] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
        .Instances!;
      expect(still!.State?.Name).toBe('running');
      expect(
        (await failure(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))))
          .code,
      ).toBe('InvalidInstanceID.NotFound');
    });

    it('keeps an instance pending while the control endpoint holds it', async () => {
      const launched = await ec2.send(
        new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.nano' }),
      );
      const id = launched.Instances![0]!.InstanceId!;
      expect((await t.control('POST', `/_emulator/instances/${id}/hold`, { hold: true })).status).toBe(200);
      // Emulator time, far past the 150 ms pending delay: only the hold keeps it pending.
      await t.control('POST', '/_emulator/clock/advance', { seconds: 5 });
      const state = async () =>
        (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!
          .State?.Name;
      expect(await state()).toBe('pending');
      await t.control('POST', `/_emulator/instances/${id}/hold`, { hold: false });
      await waitUntilInstanceRunning({ client: ec2, ...FAST_WAIT }, { InstanceIds: [id] });
      expect(
        (await t.control('POST', '/_emulator/instances/i-0123456789abcdef0/hold', { hold: true })).status,
      ).toBe(404);
    });

    it('refuses to terminate an instance launched with DisableApiTermination', async () => {
      const [instance] = await runningInstances(ec2, { DisableApiTermination: true });
      const refused = await failure(
        ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance!.InstanceId!] })),
      );
      expect(refused.code).toBe('OperationNotPermitted');
    });

    it('keeps terminated instances visible for an hour of emulator time, then forgets them', async () => {
      const local = await startTestEmulator();
      try {
        const [instance] = await runningInstances(local.ec2);
        const id = instance!.InstanceId!;
        await local.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
        await waitUntilInstanceTerminated({ client: local.ec2, ...FAST_WAIT }, { InstanceIds: [id] });
        await local.control('POST', '/_emulator/clock/advance', { seconds: 30 * 60 });
        expect(((await local.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).length).toBe(1);
        await local.control('POST', '/_emulator/clock/advance', { seconds: 31 * 60 });
        expect((await local.ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
        expect(
          (await failure(local.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).code,
        ).toBe('InvalidInstanceID.NotFound');
      } finally {
        await local.close();
      }
    });
  });

  describe('DescribeInstanceStatus', () => {
    it('shows running instances, and every instance with IncludeAllInstances', async () => {
      const [a, b] = await runningInstances(ec2, { MinCount: 2, MaxCount: 2 });
      await ec2.send(new StopInstancesCommand({ InstanceIds: [b!.InstanceId!] }));
      await waitUntilInstanceStopped({ client: ec2, ...FAST_WAIT }, { InstanceIds: [b!.InstanceId!] });
      const ids = [a!.InstanceId!, b!.InstanceId!];
      const running = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids }));
      expect(
        running.InstanceStatuses?.map((s) => [
          s.InstanceId,
          s.InstanceState?.Name,
          s.InstanceStatus?.Status,
          s.SystemStatus?.Status,
        ]),
      ).toEqual([[a!.InstanceId, 'running', 'ok', 'ok']]);
      const all = await ec2.send(
        new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }),
      );
      expect(all.InstanceStatuses?.map((s) => [s.InstanceState?.Name, s.InstanceStatus?.Status])).toEqual([
        ['running', 'ok'],
        ['stopped', 'not-applicable'],
      ]);
      const filtered = await ec2.send(
        new DescribeInstanceStatusCommand({
          IncludeAllInstances: true,
          Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }],
        }),
      );
      expect(filtered.InstanceStatuses?.map((s) => s.InstanceId)).toContain(b!.InstanceId);
      expect(filtered.InstanceStatuses?.every((s) => s.InstanceState?.Name === 'stopped')).toBe(true);
    });
  });

  describe('DescribeInstanceTypes', () => {
    it('describes common families with vCPUs, memory and architecture', async () => {
      const { InstanceTypes = [] } = await ec2.send(
        new DescribeInstanceTypesCommand({
          InstanceTypes: ['t3.micro', 'm7g.large', 'r7i.24xlarge', 'c6in.xlarge'],
        }),
      );
      const summary = Object.fromEntries(
        InstanceTypes.map((t) => [
          t.InstanceType,
          [t.VCpuInfo?.DefaultVCpus, t.MemoryInfo?.SizeInMiB, t.ProcessorInfo?.SupportedArchitectures],
        ]),
      );
      expect(summary).toEqual({
        't3.micro': [2, 1024, ['x86_64']],
        'm7g.large': [2, 8192, ['arm64']],
        'r7i.24xlarge': [96, 786432, ['x86_64']],
        'c6in.xlarge': [4, 8192, ['x86_64']],
      });
      const unknown = await failure(
        ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.huge' as never] })),
      );
      expect(unknown.code).toBe('InvalidInstanceType');
    });

    it('filters and pages', async () => {
      const names: string[] = [];
      for await (const page of paginateDescribeInstanceTypes(
        { client: ec2, pageSize: 5 },
        {
          Filters: [
            { Name: 'instance-type', Values: ['t4g.*'] },
            { Name: 'processor-info.supported-architecture', Values: ['arm64'] },
          ],
        },
      )) {
        names.push(...(page.InstanceTypes ?? []).map((t) => t.InstanceType!));
      }
      expect(names).toEqual([
        't4g.nano',
        't4g.micro',
        't4g.small',
        't4g.medium',
        't4g.large',
        't4g.xlarge',
        't4g.2xlarge',
      ]);
      expect((await failure(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 101 })))).code).toBe(
        'InvalidParameterValue',
      );
    });
  });
});
