import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteKeyPairCommand,
  DeleteLaunchTemplateCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeAddressesAttributeCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  ListImagesInRecycleBinCommand,
  ListSnapshotsInRecycleBinCommand,
  ModifyAddressAttributeCommand,
  ModifyLaunchTemplateCommand,
  ModifySecurityGroupRulesCommand,
  ReleaseAddressCommand,
  ResetAddressAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listActions } from '../../src/ec2/registry';
import { observeResponses } from '../../src/ec2/response-observers';
import { startTestEmulator, type TestEmulator } from './harness';
import { driveImageLifecycle, recycleEverything, restoreFromRecycleBin } from './image-lifecycle-drive';
import { NEWER_ACTIONS, NEWER_MEMBERS, NEWER_VALUES, newerModelKnows, shapeViolations } from './shape-check';

/**
 * The standing shape check: every action the emulator serves, driven once through the SDK, must
 * answer with exactly the element names, list wrappers, scalar types and enum values of the EC2
 * model's output shape (test/ec2/shape-check.setup.ts applies the same check to every response
 * any other test file provokes).
 */
let t: TestEmulator;
const answered = new Map<string, string[]>();
let stop: () => void;
beforeAll(async () => {
  t = await startTestEmulator();
  stop = observeResponses((action, xml) => answered.set(action, [...(answered.get(action) ?? []), xml]));
});
afterAll(async () => {
  stop?.();
  await t?.close();
});

async function driveEveryAction(): Promise<void> {
  const ec2 = t.ec2;
  const waiter = { client: ec2, maxWaitTime: 20, minDelay: 0.1, maxDelay: 0.2 };
  await ec2.send(new DescribeRegionsCommand({}));
  await ec2.send(new DescribeAvailabilityZonesCommand({}));
  await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm7g.large'] }));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const imageId = images.Images![0]!.ImageId!;

  await ec2.send(new CreateKeyPairCommand({ KeyName: 'shape-key' }));
  await ec2.send(new DescribeKeyPairsCommand({}));

  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.70.1.0/24' }));
  await ec2.send(new DescribeVpcsCommand({}));
  await ec2.send(new DescribeSubnetsCommand({}));
  const igw = await ec2.send(new CreateInternetGatewayCommand({}));
  const igwId = igw.InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  await ec2.send(new DescribeInternetGatewaysCommand({}));
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId }));

  const group = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'shape', Description: 'shape check' }),
  );
  const groupId = group.GroupId!;
  const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };
  const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...https, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }],
    }),
  );
  await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const rules = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  const ingress = rules.SecurityGroupRules!.find((r) => !r.IsEgress && r.FromPort === 22)!;
  await ec2.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: groupId,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: ingress.SecurityGroupRuleId,
          SecurityGroupRule: { ...ssh, CidrIpv4: '10.0.0.0/8', Description: 'ssh' },
        },
      ],
    }),
  );
  await ec2.send(
    new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh again' }] }],
    }),
  );
  await ec2.send(
    new UpdateSecurityGroupRuleDescriptionsEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...https, IpRanges: [{ CidrIp: '192.0.2.0/24', Description: 'out' }] }],
    }),
  );

  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'shape-template',
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' },
    }),
  );
  const templateId = template.LaunchTemplate!.LaunchTemplateId!;
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.small' },
    }),
  );
  await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: templateId, DefaultVersion: '2' }));
  await ec2.send(new DescribeLaunchTemplatesCommand({}));
  await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId }));

  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      KeyName: 'shape-key',
      SecurityGroupIds: [groupId],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'shape' }] }],
    }),
  );
  const instanceId = run.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning(waiter, { InstanceIds: [instanceId] });
  await ec2.send(new DescribeInstancesCommand({}));
  await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
  await ec2.send(new DescribeVolumesCommand({}));
  await ec2.send(new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'team', Value: 'shape' }] }));
  await ec2.send(new DescribeTagsCommand({}));
  await ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'team' }] }));

  const address = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const allocationId = address.AllocationId!;
  const association = await ec2.send(
    new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }),
  );
  await ec2.send(new DescribeAddressesCommand({}));
  await ec2.send(
    new ModifyAddressAttributeCommand({ AllocationId: allocationId, DomainName: 'shape.example.com' }),
  );
  await ec2.send(
    new DescribeAddressesAttributeCommand({ Attribute: 'domain-name', AllocationIds: [allocationId] }),
  );
  await ec2.send(new ResetAddressAttributeCommand({ AllocationId: allocationId, Attribute: 'domain-name' }));
  await ec2.send(new DisassociateAddressCommand({ AssociationId: association.AssociationId }));
  await ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));

  const image = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'shape-image' }));
  await waitUntilImageAvailable(waiter, { ImageIds: [image.ImageId!] });
  const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  await driveImageLifecycle(ec2, image.ImageId!, snapshots.Snapshots![0]!.SnapshotId!, waiter);
  await recycleEverything(t.url);
  await ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId! }));
  await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshots.Snapshots![0]!.SnapshotId! }));
  await ec2.send(new ListImagesInRecycleBinCommand({}));
  await ec2.send(new ListSnapshotsInRecycleBinCommand({}));
  await restoreFromRecycleBin(ec2, image.ImageId!, snapshots.Snapshots![0]!.SnapshotId!);

  await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  await waitUntilInstanceStopped(waiter, { InstanceIds: [instanceId] });
  await ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));

  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }),
  );
  await ec2.send(
    new RevokeSecurityGroupEgressCommand({
      GroupId: groupId,
      IpPermissions: [{ ...https, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }],
    }),
  );
  const spare = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'spare', Description: 'deleted' }),
  );
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: spare.GroupId! }));
  await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId }));
  await ec2.send(new DeleteKeyPairCommand({ KeyName: 'shape-key' }));
}

describe('every response matches the EC2 model', () => {
  it('drives every action the emulator serves, and each answer has its output shape', async () => {
    await driveEveryAction();
    expect(listActions().filter((action) => !answered.has(action))).toEqual([]);
    const violations = [...answered].flatMap(([action, xmls]) =>
      xmls.flatMap((xml) => shapeViolations(action, xml)),
    );
    expect([...new Set(violations)]).toEqual([]);
  });
});

describe('the shape check itself', () => {
  it('allows only names and values the newer EC2 model (the installed JavaScript SDK) knows', () => {
    const allowed = [...Object.values(NEWER_MEMBERS), ...Object.values(NEWER_VALUES), NEWER_ACTIONS].flat();
    expect(allowed.filter((name) => !newerModelKnows(name))).toEqual([]);
    expect(newerModelKnows('securityGroupArns')).toBe(false);
  });

  const ok = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${body}</DescribeVpcsResponse>`;

  it('accepts a conforming document', () => {
    expect(
      shapeViolations(
        'DescribeVpcs',
        ok(
          '<vpcSet><item><vpcId>vpc-1</vpcId><isDefault>true</isDefault><state>available</state></item></vpcSet>',
        ),
      ),
    ).toEqual([]);
  });

  it('fails on a wrong member name, a missing list wrapper item, a wrong scalar type and an unknown enum value', () => {
    expect(shapeViolations('DescribeVpcs', ok('<vpcs><item><vpcId>vpc-1</vpcId></item></vpcs>'))).toEqual([
      'DescribeVpcs: <vpcs> is not a member of DescribeVpcsResult',
    ]);
    expect(shapeViolations('DescribeVpcs', ok('<vpcSet><vpc><vpcId>vpc-1</vpcId></vpc></vpcSet>'))).toEqual([
      'DescribeVpcs.vpcSet: list element <vpc>, expected <item>',
    ]);
    expect(
      shapeViolations('DescribeVpcs', ok('<vpcSet><item><isDefault>yes</isDefault></item></vpcSet>')),
    ).toEqual(["DescribeVpcs.vpcSet[0].isDefault: 'yes' is not a boolean (Boolean)"]);
    expect(shapeViolations('DescribeVpcs', ok('<vpcSet><item><state>ready</state></item></vpcSet>'))).toEqual(
      ["DescribeVpcs.vpcSet[0].state: 'ready' is not one of VpcState's values"],
    );
    expect(shapeViolations('DescribeVpcs', ok('<vpcSet><item><VpcId>vpc-1</VpcId></item></vpcSet>'))).toEqual(
      ['DescribeVpcs.vpcSet[0]: <VpcId> is not a member of Vpc'],
    );
  });
});
