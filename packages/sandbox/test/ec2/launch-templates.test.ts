import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandInput,
  DescribeVolumesCommand,
  type EC2Client,
  paginateDescribeLaunchTemplateVersions,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonLinuxImage } from './fixtures';
import { failure, startTestEmulator, type TestEmulator } from './harness';

describe('launch templates', () => {
  let t: TestEmulator;
  let ec2: EC2Client;
  let x86: string;
  let arm: string;
  let templateId: string;
  beforeAll(async () => {
    t = await startTestEmulator();
    ec2 = t.ec2;
    x86 = await amazonLinuxImage(ec2, 'x86_64');
    arm = await amazonLinuxImage(ec2, 'arm64');
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'web-servers',
        VersionDescription: 'first',
        LaunchTemplateData: {
          ImageId: x86,
          InstanceType: 't3.micro',
          SecurityGroupIds: ['sg-0123456789abcdef0'],
          MetadataOptions: { HttpTokens: 'required' },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
          NetworkInterfaces: [
            { DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: ['sg-0123456789abcdef1'] },
          ],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] }],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'web' }] }],
      }),
    );
    templateId = created.LaunchTemplate!.LaunchTemplateId!;
    // version 2 changes the AMI; version 3 copies version 1 and changes only the type
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        LaunchTemplateData: { ImageId: arm, InstanceType: 't4g.micro' },
      }),
    );
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: 'web-servers',
        SourceVersion: '1',
        VersionDescription: 'bigger',
        LaunchTemplateData: { InstanceType: 't3.large' },
      }),
    );
  });
  afterAll(async () => t.close());

  it('creates a template with version 1 as default and latest, tagged', async () => {
    const { LaunchTemplates = [] } = await ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] }),
    );
    expect(LaunchTemplates).toHaveLength(1);
    expect(LaunchTemplates[0]).toMatchObject({
      LaunchTemplateId: templateId,
      LaunchTemplateName: 'web-servers',
      DefaultVersionNumber: 1,
      LatestVersionNumber: 3,
      CreatedBy: 'arn:aws:iam::123456789012:root',
      Tags: [{ Key: 'team', Value: 'web' }],
    });
    expect(templateId).toMatch(/^lt-[0-9a-f]{17}$/);
  });

  it('describes every version, so an AMI used by any version can be found', async () => {
    const { LaunchTemplateVersions = [] } = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId }),
    );
    expect(
      LaunchTemplateVersions.map((v) => [
        v.VersionNumber,
        v.DefaultVersion,
        v.LaunchTemplateData?.ImageId,
        v.LaunchTemplateData?.InstanceType,
      ]),
    ).toEqual([
      [1, true, x86, 't3.micro'],
      [2, false, arm, 't4g.micro'],
      [3, false, x86, 't3.large'],
    ]);
    const first = LaunchTemplateVersions[0]!.LaunchTemplateData!;
    expect(first.SecurityGroupIds).toEqual(['sg-0123456789abcdef0']);
    expect(first.NetworkInterfaces?.[0]?.Groups).toEqual(['sg-0123456789abcdef1']);
    expect(first.BlockDeviceMappings?.[0]?.Ebs).toEqual({ VolumeSize: 20, VolumeType: 'gp3' });
    expect(first.TagSpecifications).toEqual([
      { ResourceType: 'instance', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] },
    ]);
    expect(first.MetadataOptions?.HttpTokens).toBe('required');
    expect(LaunchTemplateVersions[2]!.LaunchTemplateData?.MetadataOptions?.HttpTokens).toBe('required');
    const usingArm = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: templateId,
        Filters: [{ Name: 'image-id', Values: [arm] }],
      }),
    );
    expect(usingArm.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([2]);
  });

  it('resolves $Latest and $Default, version ranges, and $Latest across all templates', async () => {
    const pick = async (input: DescribeLaunchTemplateVersionsCommandInput) =>
      (await ec2.send(new DescribeLaunchTemplateVersionsCommand(input))).LaunchTemplateVersions?.map(
        (v) => v.VersionNumber,
      );
    expect(await pick({ LaunchTemplateId: templateId, Versions: ['$Latest', '$Default'] })).toEqual([1, 3]);
    expect(await pick({ LaunchTemplateName: 'web-servers', MinVersion: '2', MaxVersion: '3' })).toEqual([
      2, 3,
    ]);
    expect(await pick({ Versions: ['$Latest'] })).toEqual([3]);
    expect(
      await pick({
        LaunchTemplateId: templateId,
        Filters: [{ Name: 'is-default-version', Values: ['true'] }],
      }),
    ).toEqual([1]);
  });

  it('pages through versions', async () => {
    const numbers: number[] = [];
    for await (const page of paginateDescribeLaunchTemplateVersions(
      { client: ec2, pageSize: 2 },
      { LaunchTemplateId: templateId },
    )) {
      expect(page.LaunchTemplateVersions!.length).toBeLessThanOrEqual(2);
      numbers.push(...page.LaunchTemplateVersions!.map((v) => v.VersionNumber!));
    }
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('refuses duplicate and malformed names, unknown templates and versions', async () => {
    const data = { ImageId: x86 };
    expect(
      (
        await failure(
          ec2.send(
            new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web-servers', LaunchTemplateData: data }),
          ),
        )
      ).code,
    ).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    expect(
      (
        await failure(
          ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'a b', LaunchTemplateData: data })),
        )
      ).code,
    ).toBe('InvalidLaunchTemplateName.MalformedException');
    expect(
      (
        await failure(
          ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0123456789abcdef0'] })),
        )
      ).code,
    ).toBe('InvalidLaunchTemplateId.NotFound');
    expect(
      (await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-xyz'] })))).code,
    ).toBe('InvalidLaunchTemplateId.Malformed');
    expect(
      (await failure(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })))).code,
    ).toBe('InvalidLaunchTemplateName.NotFoundException');
    expect(
      (
        await failure(
          ec2.send(
            new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: ['9'] }),
          ),
        )
      ).code,
    ).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect(
      (
        await failure(
          ec2.send(
            new CreateLaunchTemplateVersionCommand({
              LaunchTemplateId: templateId,
              SourceVersion: '7',
              LaunchTemplateData: data,
            }),
          ),
        )
      ).code,
    ).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect((await failure(ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 201 })))).code).toBe(
      'InvalidParameterValue',
    );
  });

  it('accepts a template naming an unknown AMI with a warning, as EC2 does', async () => {
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'ghost',
        LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0' },
      }),
    );
    expect(created.Warning?.Errors?.map((e) => e.Code)).toEqual(['InvalidAMIID.NotFound']);
  });

  it('launches instances from a template version, the request overriding it and tags merged', async () => {
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'launchable',
        LaunchTemplateData: {
          ImageId: x86,
          InstanceType: 't3.small',
          MetadataOptions: { HttpTokens: 'required' },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 25, VolumeType: 'gp3' } }],
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'ec2ops:managed', Value: 'true' },
                { Key: 'env', Value: 'dev' },
              ],
            },
          ],
        },
      }),
    );
    const id = created.LaunchTemplate!.LaunchTemplateId!;
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: '1',
        LaunchTemplateData: { InstanceType: 't3.medium' },
      }),
    );
    const fromDefault = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: 'launchable' },
      }),
    );
    const [first] = fromDefault.Instances ?? [];
    expect(first).toMatchObject({
      ImageId: x86,
      InstanceType: 't3.small',
      MetadataOptions: { HttpTokens: 'required' },
    });
    expect(first!.Tags).toEqual([
      { Key: 'ec2ops:managed', Value: 'true' },
      { Key: 'env', Value: 'dev' },
      { Key: 'aws:ec2launchtemplate:id', Value: id },
      { Key: 'aws:ec2launchtemplate:version', Value: '1' },
    ]);
    const [root] =
      (
        await ec2.send(
          new DescribeVolumesCommand({ VolumeIds: [first!.BlockDeviceMappings![0]!.Ebs!.VolumeId!] }),
        )
      ).Volumes ?? [];
    expect(root?.Size).toBe(25);

    const overridden = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateId: id, Version: '$Latest' },
        InstanceType: 't3.large',
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'env', Value: 'prod' }] }],
      }),
    );
    const [second] = overridden.Instances ?? [];
    expect(second!.InstanceType).toBe('t3.large');
    expect(second!.Tags).toContainEqual({ Key: 'env', Value: 'prod' });
    expect(second!.Tags).toContainEqual({ Key: 'aws:ec2launchtemplate:version', Value: '2' });
    const missing = await failure(
      ec2.send(
        new RunInstancesCommand({
          MinCount: 1,
          MaxCount: 1,
          LaunchTemplate: { LaunchTemplateId: id, Version: '5' },
        }),
      ),
    );
    expect(missing.code).toBe('InvalidLaunchTemplateId.VersionNotFound');
  });

  it('is idempotent with a ClientToken, and changes nothing on DryRun', async () => {
    const input = {
      LaunchTemplateName: 'tokened',
      ClientToken: 'tok-1',
      LaunchTemplateData: { InstanceType: 't3.nano' as const },
    };
    const first = await ec2.send(new CreateLaunchTemplateCommand(input));
    const second = await ec2.send(new CreateLaunchTemplateCommand(input));
    expect(second.LaunchTemplate?.LaunchTemplateId).toBe(first.LaunchTemplate?.LaunchTemplateId);
    const dry = await failure(
      ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: templateId,
          LaunchTemplateData: { ImageId: arm },
          DryRun: true,
        }),
      ),
    );
    expect(dry.code).toBe('DryRunOperation');
    const [template] =
      (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] })))
        .LaunchTemplates ?? [];
    expect(template?.LatestVersionNumber).toBe(3);
  });
});
