import { createHash, randomBytes } from 'node:crypto';
import { Ec2ApiError } from './errors';

/**
 * EC2 resource ids: a prefix and 17 lowercase hex digits (older resources have 8, and EC2
 * still accepts both shapes). Each kind has its own "malformed" and "not found" codes.
 */
export interface IdKind {
  prefix: string;
  /** What DescribeTags calls it (`resource-type`), when it can be tagged. */
  resourceType: string;
  malformedCode: string;
  notFoundCode: string;
  /** How EC2's messages name it ("instance ID", "image id", …). */
  noun: string;
}

const kind = (
  prefix: string,
  resourceType: string,
  malformedCode: string,
  notFoundCode: string,
  noun: string,
): IdKind => ({ prefix, resourceType, malformedCode, notFoundCode, noun });

export const ID_KINDS = {
  instance: kind('i', 'instance', 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'instance ID'),
  image: kind('ami', 'image', 'InvalidAMIID.Malformed', 'InvalidAMIID.NotFound', 'image id'),
  snapshot: kind('snap', 'snapshot', 'InvalidSnapshotID.Malformed', 'InvalidSnapshot.NotFound', 'snapshot'),
  volume: kind('vol', 'volume', 'InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'volume'),
  securityGroup: kind(
    'sg',
    'security-group',
    'InvalidGroupId.Malformed',
    'InvalidGroup.NotFound',
    'security group',
  ),
  securityGroupRule: kind(
    'sgr',
    'security-group-rule',
    'InvalidSecurityGroupRuleId.Malformed',
    'InvalidSecurityGroupRuleId.NotFound',
    'security group rule',
  ),
  allocation: kind(
    'eipalloc',
    'elastic-ip',
    'InvalidAllocationID.Malformed',
    'InvalidAllocationID.NotFound',
    'allocation ID',
  ),
  association: kind(
    'eipassoc',
    'elastic-ip-association',
    'InvalidAssociationID.Malformed',
    'InvalidAssociationID.NotFound',
    'association ID',
  ),
  launchTemplate: kind(
    'lt',
    'launch-template',
    'InvalidLaunchTemplateId.Malformed',
    'InvalidLaunchTemplateId.NotFound',
    'launch template ID',
  ),
  vpc: kind('vpc', 'vpc', 'InvalidVpcID.Malformed', 'InvalidVpcID.NotFound', 'vpc ID'),
  subnet: kind('subnet', 'subnet', 'InvalidSubnetID.Malformed', 'InvalidSubnetID.NotFound', 'subnet ID'),
  keyPair: kind('key', 'key-pair', 'InvalidKeyPair.Malformed', 'InvalidKeyPair.NotFound', 'key pair'),
  reservation: kind(
    'r',
    'reservation',
    'InvalidReservationID.Malformed',
    'InvalidReservationID.NotFound',
    'reservation ID',
  ),
  networkInterface: kind(
    'eni',
    'network-interface',
    'InvalidNetworkInterfaceID.Malformed',
    'InvalidNetworkInterfaceID.NotFound',
    'network interface',
  ),
  internetGateway: kind(
    'igw',
    'internet-gateway',
    'InvalidInternetGatewayID.Malformed',
    'InvalidInternetGatewayID.NotFound',
    'internet gateway',
  ),
  routeTable: kind(
    'rtb',
    'route-table',
    'InvalidRouteTableID.Malformed',
    'InvalidRouteTableID.NotFound',
    'route table',
  ),
  networkAcl: kind(
    'acl',
    'network-acl',
    'InvalidNetworkAclID.Malformed',
    'InvalidNetworkAclID.NotFound',
    'network ACL',
  ),
  dhcpOptions: kind(
    'dopt',
    'dhcp-options',
    'InvalidDhcpOptionsID.Malformed',
    'InvalidDhcpOptionID.NotFound',
    'DHCP options',
  ),
} satisfies Record<string, IdKind>;

export type IdKindName = keyof typeof ID_KINDS;

export function newId(kind: IdKind | string): string {
  const prefix = typeof kind === 'string' ? kind : kind.prefix;
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** A stable id derived from a seed string, for seeded resources that must survive restarts. */
export function stableId(kind: IdKind | string, seed: string): string {
  const prefix = typeof kind === 'string' ? kind : kind.prefix;
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

export function isWellFormed(id: string, kind: IdKind): boolean {
  const rest = id.startsWith(`${kind.prefix}-`) ? id.slice(kind.prefix.length + 1) : undefined;
  return rest !== undefined && (/^[0-9a-f]{8}$/.test(rest) || /^[0-9a-f]{17}$/.test(rest));
}

export function malformed(kind: IdKind, id: string): Ec2ApiError {
  return new Ec2ApiError(kind.malformedCode, `Invalid id: "${id}" (expecting "${kind.prefix}-...")`);
}

export function notFound(kind: IdKind, ids: string[]): Ec2ApiError {
  const list = ids.join(', ');
  if (kind === ID_KINDS.image)
    return new Ec2ApiError(kind.notFoundCode, `The image id '[${list}]' does not exist`);
  if (ids.length > 1) return new Ec2ApiError(kind.notFoundCode, `The ${kind.noun}s '${list}' do not exist`);
  return new Ec2ApiError(kind.notFoundCode, `The ${kind.noun} '${list}' does not exist`);
}

/** Refuses ids that are not shaped like `kind`, with its `.Malformed` code. */
export function assertWellFormed(kind: IdKind, ids: string[]): void {
  for (const id of ids) if (!isWellFormed(id, kind)) throw malformed(kind, id);
}

/**
 * Looks every id up, refusing malformed ones first and then naming every missing id at once,
 * as EC2 does (`The instance IDs 'i-1, i-2' do not exist`).
 */
export function resolveIds<T>(kind: IdKind, ids: string[], lookup: (id: string) => T | undefined): T[] {
  assertWellFormed(kind, ids);
  const found: T[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const record = lookup(id);
    if (record === undefined) missing.push(id);
    else found.push(record);
  }
  if (missing.length > 0) throw notFound(kind, missing);
  return found;
}

/** The kind an id belongs to, by prefix (`sgr-` before `sg-`), or undefined. */
export function kindOfId(id: string): IdKind | undefined {
  const dash = id.indexOf('-');
  if (dash < 1) return undefined;
  const prefix = id.slice(0, dash);
  return Object.values(ID_KINDS).find((k) => k.prefix === prefix);
}
