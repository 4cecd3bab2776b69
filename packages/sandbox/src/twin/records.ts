import type {
  Address,
  Image,
  Instance,
  LaunchTemplate,
  LaunchTemplateVersion,
  Tag as SdkTag,
  SecurityGroup,
  SecurityGroupRule,
  Snapshot,
  Subnet,
  Volume,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { AddressRecord } from '../ec2/actions/address-model';
import { prune } from '../ec2/actions/launch-template-data';
import type { SecurityGroupRuleRecord } from '../ec2/actions/security-group-model';
import type {
  ImageRecord,
  ImageStateName,
  InstanceRecord,
  InstanceStateName,
  LaunchTemplateRecord,
  LaunchTemplateVersionRecord,
  SecurityGroupRecord,
  SnapshotRecord,
  SubnetRecord,
  VolumeRecord,
  VpcRecord,
} from '../ec2/model';
import type { Tag } from '../ec2/store';

/**
 * What EC2 describes, turned into the emulator's records, so the twin answers the same Describe
 * calls the jobs and commands make. Times become epoch ms; what EC2 does not say (a subnet's next
 * free host) is derived. Only the fields the emulator keeps are carried over.
 */

const ms = (value: Date | string | undefined, fallback: number): number =>
  value === undefined ? fallback : new Date(value).getTime();

export function tagsOf(tags: SdkTag[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
}

export function instanceRecord(
  instance: Instance,
  reservationId: string,
  ownerId: string,
  now: number,
): InstanceRecord {
  const state = (instance.State?.Name ?? 'running') as InstanceStateName;
  const eni = instance.NetworkInterfaces?.[0];
  const association = eni?.Association;
  const groups = (instance.SecurityGroups ?? []).map((g) => ({
    groupId: g.GroupId ?? '',
    groupName: g.GroupName ?? '',
  }));
  const launchTime = ms(instance.LaunchTime, now);
  const record: InstanceRecord = {
    id: instance.InstanceId ?? '',
    tags: tagsOf(instance.Tags),
    reservationId,
    ownerId,
    imageId: instance.ImageId ?? '',
    instanceType: instance.InstanceType ?? 't3.micro',
    architecture: instance.Architecture ?? 'x86_64',
    launchTime,
    state,
    // EC2 does not say when the state began; from the import on, a transition (pending,
    // stopping, shutting-down) takes the emulator's usual time, as it would have in the account.
    stateSince: now,
    stateTransitionReason: instance.StateTransitionReason ?? '',
    subnetId: instance.SubnetId ?? eni?.SubnetId ?? '',
    vpcId: instance.VpcId ?? eni?.VpcId ?? '',
    availabilityZone: instance.Placement?.AvailabilityZone ?? '',
    privateIpAddress: instance.PrivateIpAddress ?? eni?.PrivateIpAddress ?? '',
    hadPublicIp: instance.PublicIpAddress !== undefined,
    macAddress: eni?.MacAddress ?? '',
    networkInterfaceId: eni?.NetworkInterfaceId ?? '',
    securityGroups: groups,
    blockDevices: (instance.BlockDeviceMappings ?? []).map((d) => ({
      deviceName: d.DeviceName ?? '',
      volumeId: d.Ebs?.VolumeId ?? '',
      deleteOnTermination: d.Ebs?.DeleteOnTermination ?? true,
      attachTime: ms(d.Ebs?.AttachTime, launchTime),
    })),
    rootDeviceName: instance.RootDeviceName ?? '/dev/xvda',
    amiLaunchIndex: instance.AmiLaunchIndex ?? 0,
    ebsOptimized: instance.EbsOptimized ?? false,
    monitoring: instance.Monitoring?.State === 'enabled',
    metadataOptions: {
      httpTokens: instance.MetadataOptions?.HttpTokens ?? 'required',
      httpPutResponseHopLimit: instance.MetadataOptions?.HttpPutResponseHopLimit ?? 2,
      httpEndpoint: instance.MetadataOptions?.HttpEndpoint ?? 'enabled',
      instanceMetadataTags: instance.MetadataOptions?.InstanceMetadataTags ?? 'disabled',
      httpProtocolIpv6: instance.MetadataOptions?.HttpProtocolIpv6 ?? 'disabled',
    },
    platformDetails: instance.PlatformDetails ?? 'Linux/UNIX',
    cpuCores: instance.CpuOptions?.CoreCount ?? 1,
    threadsPerCore: instance.CpuOptions?.ThreadsPerCore ?? 2,
    disableApiTermination: false,
  };
  if (instance.KeyName) record.keyName = instance.KeyName;
  if (instance.PublicIpAddress) record.publicIpAddress = instance.PublicIpAddress;
  if (association?.IpOwnerId && association.IpOwnerId !== 'amazon' && association.PublicIp)
    record.elasticIp = association.PublicIp;
  if (instance.StateReason?.Code)
    record.stateReason = { code: instance.StateReason.Code, message: instance.StateReason.Message ?? '' };
  if (instance.IamInstanceProfile?.Arn)
    record.iamInstanceProfile = {
      arn: instance.IamInstanceProfile.Arn,
      id: instance.IamInstanceProfile.Id ?? '',
    };
  if (instance.ClientToken) record.clientToken = instance.ClientToken;
  // A terminated instance stays visible for a while in EC2 too; the twin lets it go the same way.
  if (state === 'terminated') record.terminatedAt = now;
  return record;
}

export function imageRecord(image: Image, now: number): ImageRecord {
  const created = ms(image.CreationDate, now);
  const record: ImageRecord = {
    id: image.ImageId ?? '',
    tags: tagsOf(image.Tags),
    name: image.Name ?? '',
    ownerId: image.OwnerId ?? '',
    isPublic: image.Public ?? false,
    state: (image.State ?? 'available') as ImageStateName,
    stateSince: created,
    architecture: image.Architecture ?? 'x86_64',
    creationDate: created,
    rootDeviceName: image.RootDeviceName ?? '/dev/xvda',
    blockDevices: (image.BlockDeviceMappings ?? []).map((d) => {
      const device: ImageRecord['blockDevices'][number] = {
        deviceName: d.DeviceName ?? '',
        volumeSize: d.Ebs?.VolumeSize ?? 8,
        volumeType: d.Ebs?.VolumeType ?? 'gp3',
        deleteOnTermination: d.Ebs?.DeleteOnTermination ?? true,
        encrypted: d.Ebs?.Encrypted ?? false,
      };
      if (d.Ebs?.SnapshotId) device.snapshotId = d.Ebs.SnapshotId;
      if (d.Ebs?.Iops !== undefined) device.iops = d.Ebs.Iops;
      if (d.Ebs?.Throughput !== undefined) device.throughput = d.Ebs.Throughput;
      return device;
    }),
    platformDetails: image.PlatformDetails ?? 'Linux/UNIX',
    imageLocation: image.ImageLocation ?? '',
    enaSupport: image.EnaSupport ?? true,
  };
  if (image.Description !== undefined) record.description = image.Description;
  if (image.ImageOwnerAlias) record.ownerAlias = image.ImageOwnerAlias;
  if (image.BootMode) record.bootMode = image.BootMode;
  if (image.DeprecationTime) record.deprecationTime = ms(image.DeprecationTime, now);
  if (image.SourceInstanceId) record.sourceInstanceId = image.SourceInstanceId;
  if (image.LastLaunchedTime) record.lastLaunchedTime = ms(image.LastLaunchedTime, now);
  if (image.SourceImageId) record.sourceImageId = image.SourceImageId;
  if (image.SourceImageRegion) record.sourceImageRegion = image.SourceImageRegion;
  if (image.StateReason?.Code)
    record.stateReason = { code: image.StateReason.Code, message: image.StateReason.Message ?? '' };
  const protection = image.DeregistrationProtection;
  if (protection?.startsWith('enabled'))
    record.deregistrationProtection = { enabled: true, withCooldown: protection.includes('cooldown') };
  return record;
}

export function snapshotRecord(snapshot: Snapshot, now: number): SnapshotRecord {
  const started = ms(snapshot.StartTime, now);
  const record: SnapshotRecord = {
    id: snapshot.SnapshotId ?? '',
    tags: tagsOf(snapshot.Tags),
    volumeId: snapshot.VolumeId ?? '',
    volumeSize: snapshot.VolumeSize ?? 8,
    ownerId: snapshot.OwnerId ?? '',
    isPublic: false,
    state: (snapshot.State ?? 'completed') as SnapshotRecord['state'],
    startTime: started,
    stateSince: started,
    description: snapshot.Description ?? '',
    encrypted: snapshot.Encrypted ?? false,
  };
  if (snapshot.OwnerAlias) record.ownerAlias = snapshot.OwnerAlias;
  if (snapshot.KmsKeyId) record.kmsKeyId = snapshot.KmsKeyId;
  return record;
}

export function volumeRecord(volume: Volume, now: number): VolumeRecord {
  const record: VolumeRecord = {
    id: volume.VolumeId ?? '',
    tags: tagsOf(volume.Tags),
    size: volume.Size ?? 8,
    volumeType: volume.VolumeType ?? 'gp3',
    encrypted: volume.Encrypted ?? false,
    availabilityZone: volume.AvailabilityZone ?? '',
    createTime: ms(volume.CreateTime, now),
    state: (volume.State ?? 'available') as VolumeRecord['state'],
  };
  if (volume.Iops !== undefined) record.iops = volume.Iops;
  if (volume.Throughput !== undefined) record.throughput = volume.Throughput;
  if (volume.SnapshotId) record.snapshotId = volume.SnapshotId;
  const attachment = volume.Attachments?.[0];
  if (attachment?.InstanceId)
    record.attachment = {
      instanceId: attachment.InstanceId,
      device: attachment.Device ?? '',
      attachTime: ms(attachment.AttachTime, now),
      deleteOnTermination: attachment.DeleteOnTermination ?? true,
    };
  return record;
}

export function vpcRecord(vpc: Vpc): VpcRecord {
  return {
    id: vpc.VpcId ?? '',
    tags: tagsOf(vpc.Tags),
    cidrBlock: vpc.CidrBlock ?? '',
    isDefault: vpc.IsDefault ?? false,
    state: (vpc.State ?? 'available') as VpcRecord['state'],
    instanceTenancy: vpc.InstanceTenancy ?? 'default',
    ownerId: vpc.OwnerId ?? '',
    dhcpOptionsId: vpc.DhcpOptionsId ?? '',
    cidrAssociationId: vpc.CidrBlockAssociationSet?.[0]?.AssociationId ?? '',
  };
}

/**
 * A subnet; `usedHosts` are the host offsets its instances hold, so the twin never hands out an
 * address an imported instance has (EC2 does not say which addresses are free).
 */
export function subnetRecord(subnet: Subnet, usedHosts: number[]): SubnetRecord {
  return {
    id: subnet.SubnetId ?? '',
    tags: tagsOf(subnet.Tags),
    vpcId: subnet.VpcId ?? '',
    cidrBlock: subnet.CidrBlock ?? '',
    availabilityZone: subnet.AvailabilityZone ?? '',
    availabilityZoneId: subnet.AvailabilityZoneId ?? '',
    defaultForAz: subnet.DefaultForAz ?? false,
    mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
    state: (subnet.State ?? 'available') as SubnetRecord['state'],
    ownerId: subnet.OwnerId ?? '',
    // EC2 reserves the first four addresses of every subnet.
    nextHost: Math.max(4, ...usedHosts.map((h) => h + 1)),
    freeHosts: [],
  };
}

export function securityGroupRecord(group: SecurityGroup): SecurityGroupRecord {
  return {
    id: group.GroupId ?? '',
    tags: tagsOf(group.Tags),
    groupName: group.GroupName ?? '',
    description: group.Description ?? '',
    vpcId: group.VpcId ?? '',
    ownerId: group.OwnerId ?? '',
  };
}

export function securityGroupRuleRecord(rule: SecurityGroupRule, now: number): SecurityGroupRuleRecord {
  const record: SecurityGroupRuleRecord = {
    id: rule.SecurityGroupRuleId ?? '',
    tags: tagsOf(rule.Tags),
    groupId: rule.GroupId ?? '',
    isEgress: rule.IsEgress ?? false,
    ipProtocol: rule.IpProtocol ?? '-1',
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    // EC2 does not say when a rule was added; the import instant stands in.
    createdAt: now,
  };
  if (rule.CidrIpv4) record.cidrIpv4 = rule.CidrIpv4;
  if (rule.CidrIpv6) record.cidrIpv6 = rule.CidrIpv6;
  if (rule.PrefixListId) record.prefixListId = rule.PrefixListId;
  if (rule.ReferencedGroupInfo?.GroupId) {
    record.referencedGroupId = rule.ReferencedGroupInfo.GroupId;
    if (rule.ReferencedGroupInfo.UserId) record.referencedUserId = rule.ReferencedGroupInfo.UserId;
  }
  if (rule.Description) record.description = rule.Description;
  return record;
}

export function addressRecord(address: Address, now: number): AddressRecord {
  const record: AddressRecord = {
    id: address.AllocationId ?? '',
    tags: tagsOf(address.Tags),
    publicIp: address.PublicIp ?? '',
    domain: (address.Domain ?? 'vpc') as AddressRecord['domain'],
    networkBorderGroup: address.NetworkBorderGroup ?? '',
    // EC2 keeps no allocation time (hence ec2ops' idle-since tag); the import instant stands in.
    allocatedAt: now,
  };
  if (address.AssociationId) record.associationId = address.AssociationId;
  if (address.InstanceId) record.instanceId = address.InstanceId;
  if (address.NetworkInterfaceId) record.networkInterfaceId = address.NetworkInterfaceId;
  if (address.NetworkInterfaceOwnerId) record.networkInterfaceOwnerId = address.NetworkInterfaceOwnerId;
  if (address.PrivateIpAddress) record.privateIpAddress = address.PrivateIpAddress;
  return record;
}

export function launchTemplateRecord(
  template: LaunchTemplate,
  versions: LaunchTemplateVersion[],
  now: number,
): LaunchTemplateRecord {
  return {
    id: template.LaunchTemplateId ?? '',
    tags: tagsOf(template.Tags),
    name: template.LaunchTemplateName ?? '',
    createTime: ms(template.CreateTime, now),
    createdBy: template.CreatedBy ?? '',
    defaultVersion: template.DefaultVersionNumber ?? 1,
    latestVersion: template.LatestVersionNumber ?? 1,
    versions: versions
      .map((v): LaunchTemplateVersionRecord => {
        const record: LaunchTemplateVersionRecord = {
          versionNumber: v.VersionNumber ?? 1,
          createTime: ms(v.CreateTime, now),
          createdBy: v.CreatedBy ?? '',
          data: launchTemplateDataWire(v.LaunchTemplateData),
        };
        if (v.VersionDescription) record.versionDescription = v.VersionDescription;
        return record;
      })
      .sort((a, b) => a.versionNumber - b.versionNumber),
  };
}

/** SDK names (`ImageId`, `SecurityGroupIds`) to the wire names the emulator keeps (see launch-template-data.ts). */
function launchTemplateDataWire(data: LaunchTemplateVersion['LaunchTemplateData']): Record<string, unknown> {
  if (!data) return {};
  const out: Record<string, unknown> = {
    imageId: data.ImageId,
    instanceType: data.InstanceType,
    keyName: data.KeyName,
    ebsOptimized: data.EbsOptimized,
    userData: data.UserData,
    disableApiTermination: data.DisableApiTermination,
    disableApiStop: data.DisableApiStop,
    instanceInitiatedShutdownBehavior: data.InstanceInitiatedShutdownBehavior,
    iamInstanceProfile: data.IamInstanceProfile
      ? prune({ arn: data.IamInstanceProfile.Arn, name: data.IamInstanceProfile.Name })
      : undefined,
    securityGroupIdSet: data.SecurityGroupIds,
    securityGroupSet: data.SecurityGroups,
    monitoring: data.Monitoring ? { enabled: data.Monitoring.Enabled ?? false } : undefined,
    placement: data.Placement
      ? prune({ availabilityZone: data.Placement.AvailabilityZone, tenancy: data.Placement.Tenancy })
      : undefined,
    blockDeviceMappingSet: data.BlockDeviceMappings?.map((m) =>
      prune({
        deviceName: m.DeviceName,
        virtualName: m.VirtualName,
        noDevice: m.NoDevice,
        ebs: m.Ebs
          ? prune({
              encrypted: m.Ebs.Encrypted,
              deleteOnTermination: m.Ebs.DeleteOnTermination,
              iops: m.Ebs.Iops,
              kmsKeyId: m.Ebs.KmsKeyId,
              snapshotId: m.Ebs.SnapshotId,
              volumeSize: m.Ebs.VolumeSize,
              volumeType: m.Ebs.VolumeType,
              throughput: m.Ebs.Throughput,
            })
          : undefined,
      }),
    ),
    networkInterfaceSet: data.NetworkInterfaces?.map((ni) =>
      prune({
        associatePublicIpAddress: ni.AssociatePublicIpAddress,
        deleteOnTermination: ni.DeleteOnTermination,
        description: ni.Description,
        deviceIndex: ni.DeviceIndex,
        groupSet: ni.Groups,
        subnetId: ni.SubnetId,
        privateIpAddress: ni.PrivateIpAddress,
      }),
    ),
    tagSpecificationSet: data.TagSpecifications?.map((s) => ({
      resourceType: s.ResourceType,
      tagSet: tagsOf(s.Tags),
    })),
    creditSpecification: data.CreditSpecification
      ? { cpuCredits: data.CreditSpecification.CpuCredits }
      : undefined,
    metadataOptions: data.MetadataOptions
      ? prune({
          state: 'applied',
          httpTokens: data.MetadataOptions.HttpTokens,
          httpPutResponseHopLimit: data.MetadataOptions.HttpPutResponseHopLimit,
          httpEndpoint: data.MetadataOptions.HttpEndpoint,
          httpProtocolIpv6: data.MetadataOptions.HttpProtocolIpv6,
          instanceMetadataTags: data.MetadataOptions.InstanceMetadataTags,
        })
      : undefined,
  };
  return prune(out);
}
