import type { AddressRecord } from '../ec2/actions/address-model';
import { kindOfId } from '../ec2/ids';
import type {
  ImageRecord,
  InstanceRecord,
  SecurityGroupRecord,
  SnapshotRecord,
  SubnetRecord,
  VolumeRecord,
} from '../ec2/model';
import type { BaseRecord, RegionState, Tag } from '../ec2/store';
import type { ContextValue } from './context';

/**
 * How IAM names and describes the EC2 resources a request touches: the ARN (images and snapshots
 * carry no account, as in EC2's service authorization reference) and the resource's condition
 * keys (`aws:ResourceTag/*`, `ec2:ResourceTag/*`, and the type's own keys, e.g. `ec2:Owner` on
 * an image, `ec2:InstanceType` on an instance).
 */
export interface Ec2Scope {
  region: string;
  accountId: string;
  state: RegionState;
}

export type Context = Record<string, ContextValue | undefined>;

/** Resource types whose ARN has no account (they may be public or shared across accounts). */
const ACCOUNTLESS = new Set(['image', 'snapshot']);

export function ec2Arn(scope: Ec2Scope, type: string, id: string): string {
  const account = ACCOUNTLESS.has(type) ? '' : scope.accountId;
  return `arn:aws:ec2:${scope.region}:${account}:${type}/${id}`;
}

export function tagContext(tags: readonly Tag[] | undefined): Context {
  const context: Context = {};
  for (const { key, value } of tags ?? []) {
    context[`aws:ResourceTag/${key}`] = value;
    context[`ec2:ResourceTag/${key}`] = value;
  }
  return context;
}

export interface ExistingResource {
  arn: string;
  context: Context;
}

/**
 * An existing resource by id, with its tags and type keys; undefined when there is no such
 * resource in the region (the action's own handler then answers NotFound, as EC2 does).
 */
export function existingResource(scope: Ec2Scope, id: string): ExistingResource | undefined {
  const kind = kindOfId(id);
  const found = scope.state.findById(id);
  if (!kind || !found) return undefined;
  const type = kind.resourceType;
  return {
    arn: ec2Arn(scope, type, id),
    context: { ...tagContext(found.record.tags), ...typeKeys(scope, type, found.record) },
  };
}

const vpcArn = (scope: Ec2Scope, vpcId: string) => ec2Arn(scope, 'vpc', vpcId);
const bool = (value: boolean) => (value ? 'true' : 'false');

/** The service-specific keys EC2 puts in the context for a resource of this type. */
function typeKeys(scope: Ec2Scope, type: string, record: BaseRecord): Context {
  switch (type) {
    case 'instance': {
      const r = record as InstanceRecord;
      return {
        'ec2:InstanceType': r.instanceType,
        'ec2:MetadataHttpTokens': r.metadataOptions.httpTokens,
        'ec2:Vpc': vpcArn(scope, r.vpcId),
        'ec2:AvailabilityZone': r.availabilityZone,
        ...(r.iamInstanceProfile ? { 'ec2:InstanceProfile': r.iamInstanceProfile.arn } : {}),
      };
    }
    case 'image': {
      const r = record as ImageRecord;
      // `ec2:Owner` is `amazon` for Amazon's public images, otherwise the owner's account id.
      return {
        'ec2:Owner': r.ownerAlias === 'amazon' ? 'amazon' : r.ownerId,
        'ec2:Public': bool(r.isPublic),
        'ec2:ImageType': 'machine',
        'ec2:RootDeviceType': 'ebs',
      };
    }
    case 'snapshot': {
      const r = record as SnapshotRecord;
      return {
        'ec2:Owner': r.ownerAlias ?? r.ownerId,
        'ec2:Encrypted': bool(r.encrypted),
        'ec2:VolumeSize': String(r.volumeSize),
      };
    }
    case 'volume': {
      const r = record as VolumeRecord;
      return {
        'ec2:Encrypted': bool(r.encrypted),
        'ec2:VolumeType': r.volumeType,
        'ec2:VolumeSize': String(r.size),
        'ec2:AvailabilityZone': r.availabilityZone,
      };
    }
    case 'subnet': {
      const r = record as SubnetRecord;
      return { 'ec2:Vpc': vpcArn(scope, r.vpcId), 'ec2:AvailabilityZone': r.availabilityZone };
    }
    case 'security-group': {
      const r = record as SecurityGroupRecord;
      return { 'ec2:Vpc': vpcArn(scope, r.vpcId) };
    }
    case 'elastic-ip': {
      const r = record as AddressRecord;
      return { 'ec2:Domain': r.domain };
    }
    default:
      return {};
  }
}
