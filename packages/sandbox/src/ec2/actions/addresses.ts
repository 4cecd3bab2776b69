import { ControlError, registerControlRoute } from '../control';
import { Ec2ApiError, invalidParameterValue } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, isWellFormed, malformed, newId, notFound, resolveIds } from '../ids';
import { randomPublicIp } from '../ip';
import { type InstanceRecord, instances, subnets, vpcs } from '../model';
import { paginate, readPagination } from '../pagination';
import { readAction, writeAction } from '../registry';
import type { Ec2Store, RegionState } from '../store';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';
import {
  type AddressRecord,
  addresses,
  allocatePublicIp,
  findAddressAnywhere,
  isPoolAddress,
} from './address-model';
import { onInstanceTransition } from './instance-lifecycle';
import { requireInternetGateway } from './internet-gateways';

/**
 * Elastic IPs: Allocate/Associate/Disassociate/Describe/ReleaseAddress, and the PTR attribute
 * (Modify/Reset/DescribeAddressesAttribute). ReleaseAddress behaves as EC2 does: an address
 * associated with an instance in the default VPC is silently disassociated and released; in any
 * other VPC the release fails with InvalidIPAddress.InUse. A PTR record (InvalidAddress.PtrSet)
 * or a lock (InvalidAddress.Locked) also stop a release; tests set them through the control
 * endpoints below.
 */

function requireAddress(state: RegionState, allocationId: string): AddressRecord {
  return resolveIds(ID_KINDS.allocation, [allocationId], (id) => addresses.in(state).get(id))[0]!;
}

function addressByIp(state: RegionState, publicIp: string): AddressRecord | undefined {
  for (const address of addresses.in(state).values()) if (address.publicIp === publicIp) return address;
  return undefined;
}

const addressNotFound = (publicIp: string): Ec2ApiError =>
  new Ec2ApiError('InvalidAddress.NotFound', `Address '${publicIp}' not found.`);

/** Takes the address off its instance; the instance falls back to an ordinary public IP, if it had one. */
function disassociate(state: RegionState, address: AddressRecord): void {
  const instance = address.instanceId ? instances.in(state).get(address.instanceId) : undefined;
  if (instance && instance.elasticIp === address.publicIp) {
    instance.elasticIp = undefined;
    const subnet = subnets.in(state).get(instance.subnetId);
    const ordinary =
      instance.state === 'running' && instance.hadPublicIp && subnet?.mapPublicIpOnLaunch === true;
    instance.publicIpAddress = ordinary ? randomPublicIp() : undefined;
  }
  address.associationId = undefined;
  address.instanceId = undefined;
  address.networkInterfaceId = undefined;
  address.networkInterfaceOwnerId = undefined;
  address.privateIpAddress = undefined;
}

// When an instance terminates, EC2 gives its Elastic IP back to the account, unassociated.
onInstanceTransition((state, instance, to) => {
  if (to !== 'terminated' && to !== 'shutting-down') return;
  for (const address of addresses.in(state).values()) {
    if (address.instanceId === instance.id) disassociate(state, address);
  }
});

function addressXml(address: AddressRecord): XmlObject {
  return {
    publicIp: address.publicIp,
    allocationId: address.id,
    domain: address.domain,
    instanceId: address.instanceId,
    associationId: address.associationId,
    networkInterfaceId: address.networkInterfaceId,
    networkInterfaceOwnerId: address.networkInterfaceOwnerId,
    privateIpAddress: address.privateIpAddress,
    tagSet: tagSet(address.tags),
    publicIpv4Pool: 'amazon',
    networkBorderGroup: address.networkBorderGroup,
  };
}

writeAction('AllocateAddress', (ctx) => {
  const { params, state, region } = ctx;
  const domain = params.oneOf('Domain', ['vpc', 'standard'] as const);
  const requested = params.string('Address');
  const pool = params.string('PublicIpv4Pool');
  if (pool !== undefined && pool !== 'amazon') {
    throw new Ec2ApiError('InvalidPublicIpv4PoolID.NotFound', `The pool ID '${pool}' does not exist`);
  }
  const borderGroup = params.string('NetworkBorderGroup');
  if (borderGroup !== undefined && borderGroup !== region) {
    throw invalidParameterValue(
      `The network border group '${borderGroup}' is not valid for region ${region}`,
    );
  }
  if (params.string('CustomerOwnedIpv4Pool') !== undefined) {
    throw invalidParameterValue('Customer-owned IP pools are not available in this emulator');
  }
  const tagSpecs = readTagSpecifications(params, ['elastic-ip']);
  if (requested !== undefined) {
    if (!isPoolAddress(requested) || findAddressAnywhere(ctx.store, (a) => a.publicIp === requested)) {
      throw new Ec2ApiError(
        'InvalidAddress.NotFound',
        `Address '${requested}' is not available for allocation.`,
      );
    }
  }
  ctx.gate();
  const address: AddressRecord = {
    id: newId(ID_KINDS.allocation),
    tags: tagSpecs.get('elastic-ip') ?? [],
    publicIp: requested ?? allocatePublicIp(ctx.store, state),
    domain: domain === 'standard' ? 'standard' : 'vpc',
    networkBorderGroup: region,
    allocatedAt: ctx.now,
  };
  addresses.in(state).set(address.id, address);
  return {
    publicIp: address.publicIp,
    allocationId: address.id,
    publicIpv4Pool: 'amazon',
    networkBorderGroup: address.networkBorderGroup,
    domain: address.domain,
  };
});

function instanceForInterface(state: RegionState, eni: string): InstanceRecord {
  if (!isWellFormed(eni, ID_KINDS.networkInterface)) throw malformed(ID_KINDS.networkInterface, eni);
  for (const instance of instances.in(state).values()) {
    if (instance.networkInterfaceId === eni && instance.state !== 'terminated') return instance;
  }
  throw notFound(ID_KINDS.networkInterface, [eni]);
}

writeAction('AssociateAddress', (ctx) => {
  const { params, state } = ctx;
  const allocationId = params.string('AllocationId');
  const publicIp = params.string('PublicIp');
  const instanceId = params.string('InstanceId');
  const eni = params.string('NetworkInterfaceId');
  const reassociate = params.boolean('AllowReassociation') ?? false;
  const privateIp = params.string('PrivateIpAddress');
  let address: AddressRecord;
  if (allocationId) address = requireAddress(state, allocationId);
  else if (publicIp) {
    const found = addressByIp(state, publicIp);
    if (!found) throw addressNotFound(publicIp);
    address = found;
  } else throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter AllocationId');
  if (instanceId && eni) {
    throw new Ec2ApiError(
      'InvalidParameterCombination',
      'You may specify an instance ID or a network interface ID, not both',
    );
  }
  let instance: InstanceRecord;
  if (instanceId) {
    instance = resolveIds(ID_KINDS.instance, [instanceId], (id) => instances.in(state).get(id))[0]!;
  } else if (eni) instance = instanceForInterface(state, eni);
  else
    throw new Ec2ApiError(
      'MissingParameter',
      'Either an instance ID or a network interface ID must be specified',
    );
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new Ec2ApiError(
      'IncorrectInstanceState',
      `The instance '${instance.id}' is not in a valid state for this operation.`,
    );
  }
  if (privateIp !== undefined && privateIp !== instance.privateIpAddress) {
    throw invalidParameterValue(
      `The private IP address ${privateIp} is not assigned to interface ${instance.networkInterfaceId}`,
    );
  }
  const sameTarget = address.instanceId === instance.id;
  requireInternetGateway(state, instance.vpcId);
  if (address.associationId && !sameTarget && !reassociate) {
    throw new Ec2ApiError(
      'Resource.AlreadyAssociated',
      `resource ${address.id} is already associated with associate-id ${address.associationId}`,
    );
  }
  ctx.gate();
  if (sameTarget && address.associationId) return { associationId: address.associationId };
  if (address.associationId) disassociate(state, address);
  // An interface's primary address carries one public IP: a previous Elastic IP comes off.
  for (const other of addresses.in(state).values()) {
    if (other !== address && other.instanceId === instance.id) disassociate(state, other);
  }
  address.associationId = newId(ID_KINDS.association);
  address.instanceId = instance.id;
  address.networkInterfaceId = instance.networkInterfaceId;
  address.networkInterfaceOwnerId = instance.ownerId;
  address.privateIpAddress = instance.privateIpAddress;
  instance.elasticIp = address.publicIp;
  instance.publicIpAddress = address.publicIp;
  return { associationId: address.associationId };
});

writeAction('DisassociateAddress', (ctx) => {
  const { params, state } = ctx;
  const associationId = params.string('AssociationId');
  const publicIp = params.string('PublicIp');
  let address: AddressRecord | undefined;
  if (associationId) {
    if (!isWellFormed(associationId, ID_KINDS.association))
      throw malformed(ID_KINDS.association, associationId);
    for (const candidate of addresses.in(state).values()) {
      if (candidate.associationId === associationId) address = candidate;
    }
    if (!address) throw notFound(ID_KINDS.association, [associationId]);
  } else if (publicIp) {
    address = addressByIp(state, publicIp);
    if (!address) throw addressNotFound(publicIp);
    if (!address.associationId) {
      throw new Ec2ApiError('InvalidAssociationID.NotFound', `The address '${publicIp}' is not associated`);
    }
  } else throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter AssociationId');
  ctx.gate();
  disassociate(state, address);
  return { return: true };
});

const ADDRESS_FILTERS: FilterFields<AddressRecord> = {
  'allocation-id': (a) => a.id,
  'association-id': (a) => a.associationId,
  domain: (a) => a.domain,
  'instance-id': (a) => a.instanceId,
  'network-border-group': (a) => a.networkBorderGroup,
  'network-interface-id': (a) => a.networkInterfaceId,
  'network-interface-owner-id': (a) => a.networkInterfaceOwnerId,
  'private-ip-address': (a) => a.privateIpAddress,
  'public-ip': (a) => a.publicIp,
  'public-ipv4-pool': () => 'amazon',
};

/** EC2 does not paginate DescribeAddresses: every matching address comes back at once. */
readAction('DescribeAddresses', (ctx) => {
  const { params, state } = ctx;
  const allocationIds = params.strings('AllocationId');
  const publicIps = params.strings('PublicIp');
  const filters = readFilters(params);
  const all = addresses.in(state);
  let selected: AddressRecord[] = [...all.values()];
  if (allocationIds.length > 0) {
    const found = resolveIds(ID_KINDS.allocation, allocationIds, (id) => all.get(id));
    const wanted = new Set(found.map((a) => a.id));
    selected = selected.filter((a) => wanted.has(a.id));
  }
  if (publicIps.length > 0) {
    const missing = publicIps.filter((ip) => !selected.some((a) => a.publicIp === ip));
    if (missing.length > 0) throw addressNotFound(missing.join(', '));
    const wanted = new Set(publicIps);
    selected = selected.filter((a) => wanted.has(a.publicIp));
  }
  return { addressesSet: applyFilters(selected, filters, ADDRESS_FILTERS).map(addressXml) };
});

function isInDefaultVpc(state: RegionState, address: AddressRecord): boolean {
  const instance = address.instanceId ? instances.in(state).get(address.instanceId) : undefined;
  if (!instance) return false;
  return vpcs.in(state).get(instance.vpcId)?.isDefault === true;
}

writeAction('ReleaseAddress', (ctx) => {
  const { params, state } = ctx;
  const allocationId = params.string('AllocationId');
  const publicIp = params.string('PublicIp');
  const borderGroup = params.string('NetworkBorderGroup');
  let address: AddressRecord;
  if (allocationId) address = requireAddress(state, allocationId);
  else if (publicIp) {
    const found = addressByIp(state, publicIp);
    if (!found) throw addressNotFound(publicIp);
    if (found.domain === 'vpc') {
      throw invalidParameterValue(
        'You must specify an allocation id when releasing a VPC elastic IP address',
      );
    }
    address = found;
  } else throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter AllocationId');
  if (borderGroup !== undefined && borderGroup !== address.networkBorderGroup) {
    throw addressNotFound(address.publicIp);
  }
  if (address.locked) {
    throw new Ec2ApiError(
      'InvalidAddress.Locked',
      `The address ${address.publicIp} (${address.id}) is locked to your account and cannot be released. Contact AWS Support to unlock it.`,
    );
  }
  if (address.ptrRecord) {
    throw new Ec2ApiError(
      'InvalidAddress.PtrSet',
      `The address ${address.publicIp} (${address.id}) has a reverse DNS (PTR) record ${ptr(address.ptrRecord)}. Remove it with ResetAddressAttribute before releasing the address.`,
    );
  }
  if (address.associationId && !isInDefaultVpc(state, address)) {
    throw new Ec2ApiError(
      'InvalidIPAddress.InUse',
      `The address with allocation id [${address.id}] is in use.`,
    );
  }
  ctx.gate();
  // In the default VPC, EC2 disassociates an associated address without a word.
  if (address.associationId) disassociate(state, address);
  addresses.in(state).delete(address.id);
  return { return: true };
});

/** EC2 writes PTR records as fully qualified names. */
const ptr = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

function attributeXml(address: AddressRecord): XmlObject {
  return {
    publicIp: address.publicIp,
    allocationId: address.id,
    ptrRecord: address.ptrRecord ? ptr(address.ptrRecord) : undefined,
  };
}

const DOMAIN_NAME = /^(?=.{1,253}\.?$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/;

writeAction('ModifyAddressAttribute', (ctx) => {
  const address = requireAddress(ctx.state, ctx.params.requiredString('AllocationId'));
  const domainName = ctx.params.string('DomainName');
  if (domainName !== undefined && !DOMAIN_NAME.test(domainName)) {
    throw invalidParameterValue(`The domain name '${domainName}' is not valid`);
  }
  ctx.gate();
  address.ptrRecord = domainName || undefined;
  return { address: { ...attributeXml(address), ptrRecordUpdate: { status: 'PENDING' } } };
});

writeAction('ResetAddressAttribute', (ctx) => {
  const address = requireAddress(ctx.state, ctx.params.requiredString('AllocationId'));
  ctx.params.oneOf('Attribute', ['domain-name'] as const);
  ctx.gate();
  address.ptrRecord = undefined;
  return { address: attributeXml(address) };
});

readAction('DescribeAddressesAttribute', (ctx) => {
  const { params, state } = ctx;
  const ids = params.strings('AllocationId');
  params.oneOf('Attribute', ['domain-name'] as const);
  const page = readPagination(params, 'DescribeAddressesAttribute');
  const all = addresses.in(state);
  const selected =
    ids.length > 0 ? resolveIds(ID_KINDS.allocation, ids, (id) => all.get(id)) : [...all.values()];
  const result = paginate(
    selected.filter((a) => ids.length > 0 || a.ptrRecord),
    page,
    'DescribeAddressesAttribute',
  );
  return { addressSet: result.items.map(attributeXml), nextToken: result.nextToken };
});

/*
 * Control endpoints (JSON), for tests and the sandbox; an allocation id is found in any region.
 *   POST   /_emulator/addresses/:allocationId/ptr    {"domainName": "mail.example.com"}
 *   DELETE /_emulator/addresses/:allocationId/ptr
 *   POST   /_emulator/addresses/:allocationId/lock
 *   DELETE /_emulator/addresses/:allocationId/lock
 */
function controlAddress(store: Ec2Store, allocationId: string): { address: AddressRecord; region: string } {
  const found = findAddressAnywhere(store, (a) => a.id === allocationId);
  if (!found) throw new ControlError(404, `no address ${allocationId} in any region`);
  return found;
}

const controlView = ({ address, region }: { address: AddressRecord; region: string }) => ({
  allocationId: address.id,
  publicIp: address.publicIp,
  region,
  ptrRecord: address.ptrRecord ? ptr(address.ptrRecord) : null,
  locked: address.locked === true,
});

registerControlRoute('POST', '/_emulator/addresses/:allocationId/ptr', ({ store, params, body }) => {
  const found = controlAddress(store, params.allocationId ?? '');
  const domainName = (body as { domainName?: unknown } | null)?.domainName;
  if (typeof domainName !== 'string' || !DOMAIN_NAME.test(domainName)) {
    throw new ControlError(400, 'give {"domainName": "host.example.com"}');
  }
  found.address.ptrRecord = domainName;
  store.markChanged();
  return controlView(found);
});

registerControlRoute('DELETE', '/_emulator/addresses/:allocationId/ptr', ({ store, params }) => {
  const found = controlAddress(store, params.allocationId ?? '');
  found.address.ptrRecord = undefined;
  store.markChanged();
  return controlView(found);
});

registerControlRoute('POST', '/_emulator/addresses/:allocationId/lock', ({ store, params }) => {
  const found = controlAddress(store, params.allocationId ?? '');
  found.address.locked = true;
  store.markChanged();
  return controlView(found);
});

registerControlRoute('DELETE', '/_emulator/addresses/:allocationId/lock', ({ store, params }) => {
  const found = controlAddress(store, params.allocationId ?? '');
  found.address.locked = undefined;
  store.markChanged();
  return controlView(found);
});
