import { Ec2ApiError, invalidParameterValue, missingParameter } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, newId, resolveIds } from '../ids';
import { availableIpCount, cidrContains, cidrsOverlap, parseCidr, requireCidr } from '../ip';
import { type SubnetRecord, securityGroups, subnets, type VpcRecord, vpcs } from '../model';
import { paginate, readPagination } from '../pagination';
import { availabilityZones } from '../regions';
import { readAction, writeAction } from '../registry';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';

/** CreateVpc, DescribeVpcs, CreateSubnet, DescribeSubnets (IPv4 only). */
function vpcToWire(vpc: VpcRecord): XmlObject {
  return {
    vpcId: vpc.id,
    ownerId: vpc.ownerId,
    state: vpc.state,
    cidrBlock: vpc.cidrBlock,
    cidrBlockAssociationSet: [
      {
        cidrBlock: vpc.cidrBlock,
        associationId: vpc.cidrAssociationId,
        cidrBlockState: { state: 'associated' },
      },
    ],
    ipv6CidrBlockAssociationSet: undefined,
    dhcpOptionsId: vpc.dhcpOptionsId,
    tagSet: tagSet(vpc.tags),
    instanceTenancy: vpc.instanceTenancy,
    isDefault: vpc.isDefault,
  };
}

function subnetToWire(subnet: SubnetRecord, region: string): XmlObject {
  return {
    subnetId: subnet.id,
    subnetArn: `arn:aws:ec2:${region}:${subnet.ownerId}:subnet/${subnet.id}`,
    state: subnet.state,
    ownerId: subnet.ownerId,
    vpcId: subnet.vpcId,
    cidrBlock: subnet.cidrBlock,
    ipv6CidrBlockAssociationSet: [],
    availableIpAddressCount: availableIpCount(subnet),
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: subnet.availabilityZoneId,
    defaultForAz: subnet.defaultForAz,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    mapCustomerOwnedIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    enableDns64: false,
    ipv6Native: false,
    tagSet: tagSet(subnet.tags),
    privateDnsNameOptionsOnLaunch: {
      hostnameType: 'ip-name',
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
  };
}

function requirePrefix(name: string, text: string): ReturnType<typeof requireCidr> {
  const cidr = parseCidr(text);
  if (!cidr) {
    // EC2 distinguishes a malformed block from one with host bits set; both are refused.
    throw new Ec2ApiError(
      'InvalidParameterValue',
      `Value (${text}) for parameter ${name} is invalid. This is not a valid CIDR block.`,
    );
  }
  if (cidr.prefix < 16 || cidr.prefix > 28) {
    throw new Ec2ApiError(
      name === 'cidrBlock' ? 'InvalidVpc.Range' : 'InvalidSubnet.Range',
      `The CIDR '${text}' is invalid.`,
    );
  }
  return cidr;
}

writeAction('CreateVpc', ({ params, state, store, gate }) => {
  const cidrText = params.string('CidrBlock');
  if (cidrText === undefined) throw missingParameter('CidrBlock');
  requirePrefix('cidrBlock', cidrText);
  const tenancy = params.oneOf('InstanceTenancy', ['default', 'dedicated', 'host']) ?? 'default';
  if (tenancy === 'host')
    throw invalidParameterValue(
      "Value (host) for parameter instanceTenancy is invalid. 'host' is not supported.",
    );
  const tags = readTagSpecifications(params, ['vpc']).get('vpc') ?? [];
  const dhcp = [...vpcs.in(state).values()][0]?.dhcpOptionsId ?? newId(ID_KINDS.dhcpOptions);
  gate();
  const vpc: VpcRecord = {
    id: newId(ID_KINDS.vpc),
    tags,
    cidrBlock: cidrText,
    isDefault: false,
    state: 'available',
    instanceTenancy: tenancy,
    ownerId: store.accountId,
    dhcpOptionsId: dhcp,
    cidrAssociationId: newId('vpc-cidr-assoc'),
  };
  vpcs.in(state).set(vpc.id, vpc);
  // Every VPC comes with its `default` security group (the security-group area adds its rules).
  const groupId = newId(ID_KINDS.securityGroup);
  securityGroups.in(state).set(groupId, {
    id: groupId,
    tags: [],
    groupName: 'default',
    description: 'default VPC security group',
    vpcId: vpc.id,
    ownerId: store.accountId,
  });
  return { vpc: { ...vpcToWire(vpc), state: 'pending' } };
});

const VPC_FILTERS: FilterFields<VpcRecord> = {
  cidr: (v) => v.cidrBlock,
  'cidr-block-association.cidr-block': (v) => v.cidrBlock,
  'cidr-block-association.association-id': (v) => v.cidrAssociationId,
  'cidr-block-association.state': () => 'associated',
  'dhcp-options-id': (v) => v.dhcpOptionsId,
  'is-default': (v) => v.isDefault,
  'owner-id': (v) => v.ownerId,
  state: (v) => v.state,
  'vpc-id': (v) => v.id,
};

readAction('DescribeVpcs', ({ params, state, action }) => {
  const ids = params.strings('VpcId');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const all = vpcs.in(state);
  const list = ids.length > 0 ? resolveIds(ID_KINDS.vpc, ids, (id) => all.get(id)) : [...all.values()];
  const result = paginate(applyFilters(list, filters, VPC_FILTERS), page, action);
  return { vpcSet: result.items.map(vpcToWire), nextToken: result.nextToken };
});

writeAction('CreateSubnet', ({ params, state, store, region, gate }) => {
  const vpcId = params.requiredString('VpcId');
  const cidrText = params.string('CidrBlock');
  if (cidrText === undefined) throw missingParameter('CidrBlock');
  const [vpc] = resolveIds(ID_KINDS.vpc, [vpcId], (id) => vpcs.in(state).get(id));
  if (!vpc) throw new Error('unreachable');
  const cidr = requirePrefix('cidrBlock (subnet)', cidrText);
  if (!cidrContains(requireCidr('vpc', vpc.cidrBlock), cidr)) {
    throw new Ec2ApiError('InvalidSubnet.Range', `The CIDR '${cidrText}' is invalid.`);
  }
  for (const other of subnets.in(state).values()) {
    if (other.vpcId === vpc.id && cidrsOverlap(parseCidr(other.cidrBlock)!, cidr)) {
      throw new Ec2ApiError('InvalidSubnet.Conflict', `The CIDR '${cidrText}' conflicts with another subnet`);
    }
  }
  const zones = availabilityZones(region);
  const zoneName = params.string('AvailabilityZone');
  const zoneId = params.string('AvailabilityZoneId');
  if (zoneName !== undefined && zoneId !== undefined) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'The parameters AvailabilityZone and AvailabilityZoneId cannot be combined.',
    );
  }
  const zone =
    zoneName !== undefined
      ? zones.find((z) => z.zoneName === zoneName)
      : zoneId !== undefined
        ? zones.find((z) => z.zoneId === zoneId)
        : zones[0];
  if (!zone)
    throw invalidParameterValue(
      `Value (${zoneName ?? zoneId}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.zoneName).join(', ')}.`,
    );
  const tags = readTagSpecifications(params, ['subnet']).get('subnet') ?? [];
  gate();
  const subnet: SubnetRecord = {
    id: newId(ID_KINDS.subnet),
    tags,
    vpcId: vpc.id,
    cidrBlock: cidrText,
    availabilityZone: zone.zoneName,
    availabilityZoneId: zone.zoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    state: 'available',
    ownerId: store.accountId,
    nextHost: 4,
    freeHosts: [],
  };
  subnets.in(state).set(subnet.id, subnet);
  return { subnet: subnetToWire(subnet, region) };
});

readAction('DescribeSubnets', ({ params, state, region, action }) => {
  const ids = params.strings('SubnetId');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const all = subnets.in(state);
  const list = ids.length > 0 ? resolveIds(ID_KINDS.subnet, ids, (id) => all.get(id)) : [...all.values()];
  const fields: FilterFields<SubnetRecord> = {
    'availability-zone': (s) => s.availabilityZone,
    'availability-zone-id': (s) => s.availabilityZoneId,
    'available-ip-address-count': (s) => availableIpCount(s),
    'cidr-block': (s) => s.cidrBlock,
    cidr: (s) => s.cidrBlock,
    cidrBlock: (s) => s.cidrBlock,
    'default-for-az': (s) => s.defaultForAz,
    defaultForAz: (s) => s.defaultForAz,
    'map-public-ip-on-launch': (s) => s.mapPublicIpOnLaunch,
    'owner-id': (s) => s.ownerId,
    state: (s) => s.state,
    'subnet-arn': (s) => `arn:aws:ec2:${region}:${s.ownerId}:subnet/${s.id}`,
    'subnet-id': (s) => s.id,
    'vpc-id': (s) => s.vpcId,
  };
  const result = paginate(applyFilters(list, filters, fields), page, action);
  return { subnetSet: result.items.map((s) => subnetToWire(s, region)), nextToken: result.nextToken };
});
