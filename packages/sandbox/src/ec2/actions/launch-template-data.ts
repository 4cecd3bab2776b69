import { invalidParameterValue } from '../errors';
import { ID_KINDS, isWellFormed } from '../ids';
import { findInstanceType } from '../instance-type-catalog';
import { images } from '../model';
import type { Params } from '../query';
import type { RegionState } from '../store';
import { readTags } from '../tags';
import { namedList, type XmlObject } from '../xml';
import { readBlockDeviceMappings } from './block-devices';

/**
 * `LaunchTemplateData.*` of CreateLaunchTemplate(Version), kept as plain JSON in wire naming
 * (`imageId`, `securityGroupIdSet`, …) so that describing a version is a copy. The fields the
 * product and operators use are supported; others are ignored.
 */
export type LaunchTemplateData = Record<string, unknown>;

const TAGGABLE = ['instance', 'volume', 'network-interface', 'spot-instances-request'];

/** Drops the members that are undefined (launch template data is stored as plain JSON). */
export function prune(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

export function readLaunchTemplateData(data: Params): LaunchTemplateData {
  const instanceType = data.string('InstanceType');
  if (instanceType !== undefined && !findInstanceType(instanceType)) {
    throw invalidParameterValue(`Invalid value '${instanceType}' for InstanceType.`);
  }
  const profile = data.child('IamInstanceProfile');
  const metadata = data.child('MetadataOptions');
  const placement = data.child('Placement');
  const out: LaunchTemplateData = {
    imageId: data.string('ImageId'),
    instanceType,
    keyName: data.string('KeyName'),
    ebsOptimized: data.boolean('EbsOptimized'),
    iamInstanceProfile: profile
      ? prune({ arn: profile.string('Arn'), name: profile.string('Name') })
      : undefined,
    blockDeviceMappingSet: data.has('BlockDeviceMapping')
      ? readBlockDeviceMappings(data).map((m) =>
          prune({
            deviceName: m.deviceName,
            virtualName: m.virtualName,
            noDevice: m.noDevice ? '' : undefined,
            ebs: m.ebs
              ? prune({
                  encrypted: m.ebs.encrypted,
                  deleteOnTermination: m.ebs.deleteOnTermination,
                  iops: m.ebs.iops,
                  kmsKeyId: m.ebs.kmsKeyId,
                  snapshotId: m.ebs.snapshotId,
                  volumeSize: m.ebs.volumeSize,
                  volumeType: m.ebs.volumeType,
                  throughput: m.ebs.throughput,
                })
              : undefined,
          }),
        )
      : undefined,
    networkInterfaceSet: data.has('NetworkInterface')
      ? data.list('NetworkInterface').map((ni) =>
          prune({
            associatePublicIpAddress: ni.boolean('AssociatePublicIpAddress'),
            deleteOnTermination: ni.boolean('DeleteOnTermination'),
            description: ni.string('Description'),
            deviceIndex: ni.integer('DeviceIndex', { min: 0 }),
            groupSet: ni.has('SecurityGroupId') ? ni.strings('SecurityGroupId') : undefined,
            subnetId: ni.string('SubnetId'),
            privateIpAddress: ni.string('PrivateIpAddress'),
          }),
        )
      : undefined,
    monitoring: data.child('Monitoring')
      ? { enabled: data.child('Monitoring')!.boolean('Enabled') ?? false }
      : undefined,
    placement: placement
      ? prune({
          availabilityZone: placement.string('AvailabilityZone'),
          tenancy: placement.string('Tenancy'),
        })
      : undefined,
    disableApiTermination: data.boolean('DisableApiTermination'),
    disableApiStop: data.boolean('DisableApiStop'),
    instanceInitiatedShutdownBehavior: data.oneOf('InstanceInitiatedShutdownBehavior', ['stop', 'terminate']),
    userData: data.string('UserData'),
    tagSpecificationSet: data.has('TagSpecification')
      ? data.list('TagSpecification').map((spec) => {
          const resourceType = spec.requiredString('ResourceType');
          if (!TAGGABLE.includes(resourceType)) {
            throw invalidParameterValue(
              `'${resourceType}' is not a valid taggable resource type for launch templates.`,
            );
          }
          return { resourceType, tagSet: readTags(spec) };
        })
      : undefined,
    securityGroupIdSet: data.has('SecurityGroupId') ? data.strings('SecurityGroupId') : undefined,
    securityGroupSet: data.has('SecurityGroup') ? data.strings('SecurityGroup') : undefined,
    creditSpecification: data.child('CreditSpecification')
      ? { cpuCredits: data.child('CreditSpecification')!.string('CpuCredits') }
      : undefined,
    metadataOptions: metadata
      ? prune({
          state: 'applied',
          httpTokens: metadata.oneOf('HttpTokens', ['optional', 'required']),
          httpPutResponseHopLimit: metadata.integer('HttpPutResponseHopLimit', { min: 1, max: 64 }),
          httpEndpoint: metadata.oneOf('HttpEndpoint', ['enabled', 'disabled']),
          httpProtocolIpv6: metadata.oneOf('HttpProtocolIpv6', ['enabled', 'disabled']),
          instanceMetadataTags: metadata.oneOf('InstanceMetadataTags', ['enabled', 'disabled']),
        })
      : undefined,
  };
  return prune(out);
}

/** EC2 accepts a template naming an AMI it cannot find, with a warning. */
export function dataWarnings(state: RegionState, data: LaunchTemplateData): XmlObject | undefined {
  const imageId = data.imageId;
  if (typeof imageId !== 'string') return undefined;
  if (!isWellFormed(imageId, ID_KINDS.image)) {
    return {
      errorSet: [{ code: 'InvalidAMIID.Malformed', message: `The image ID '${imageId}' is malformed` }],
    };
  }
  if (!images.in(state).has(imageId)) {
    return {
      errorSet: [{ code: 'InvalidAMIID.NotFound', message: `The image id '[${imageId}]' does not exist` }],
    };
  }
  return undefined;
}

/** Wire form: the same object, except that a network interface's groups are `<groupId>` items. */
export function launchTemplateDataToWire(data: LaunchTemplateData): XmlObject {
  const wire = structuredClone(data) as XmlObject;
  const interfaces = data.networkInterfaceSet as Record<string, unknown>[] | undefined;
  if (interfaces) {
    wire.networkInterfaceSet = interfaces.map((ni) => ({
      ...(ni as XmlObject),
      groupSet: Array.isArray(ni.groupSet) ? namedList('groupId', ni.groupSet as string[]) : undefined,
    }));
  }
  const specs = data.tagSpecificationSet as
    | { resourceType: string; tagSet: { key: string; value: string }[] }[]
    | undefined;
  if (specs)
    wire.tagSpecificationSet = specs.map((s) => ({ resourceType: s.resourceType, tagSet: s.tagSet }));
  return wire;
}
