import { Ec2ApiError } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, newId, resolveIds, stableId } from '../ids';
import { type InstanceRecord, instances, vpcs } from '../model';
import { paginate, readPagination } from '../pagination';
import type { Params } from '../query';
import { readAction, writeAction } from '../registry';
import {
  type BaseRecord,
  defineCollection,
  type RegionState,
  registerSeeder,
  registerTicker,
  type Tag,
} from '../store';
import { readTagSpecifications, tagSet } from '../tags';
import type { XmlObject } from '../xml';

/**
 * Internet gateways: Create/Attach/Detach/Delete/DescribeInternetGateways. A VPC reaches the
 * internet only through an attached gateway, so public addresses (Elastic IPs, public IPs at
 * launch) need one: without it EC2 answers `Gateway.NotAttached` (see `requireInternetGateway`).
 * Every default VPC has one, as in a new account.
 */
export interface InternetGatewayRecord extends BaseRecord {
  tags: Tag[];
  ownerId: string;
  /** At most one VPC; attach and detach take effect at once. */
  vpcId?: string;
}

export const internetGateways = defineCollection<InternetGatewayRecord>(
  'internetGateways',
  ID_KINDS.internetGateway,
);

export function gatewayOf(state: RegionState, vpcId: string): InternetGatewayRecord | undefined {
  for (const gateway of internetGateways.in(state).values()) if (gateway.vpcId === vpcId) return gateway;
  return undefined;
}

/** Refuses what needs a route to the internet in a VPC that has no attached gateway. */
export function requireInternetGateway(state: RegionState, vpcId: string): void {
  if (!gatewayOf(state, vpcId)) {
    throw new Ec2ApiError('Gateway.NotAttached', `Network ${vpcId} is not attached to any internet gateway`);
  }
}

/** Instances in the VPC that hold a public address (launch-time or Elastic IP). */
function mappedPublicAddresses(state: RegionState, vpcId: string): InstanceRecord[] {
  return [...instances.in(state).values()].filter(
    (i) => i.vpcId === vpcId && i.state !== 'terminated' && (i.publicIpAddress ?? i.elasticIp) !== undefined,
  );
}

// EC2 reports an attached gateway's attachment state as `available` (its own API examples show
// it), although the model's AttachmentStatus enum does not list it.
function gatewayToWire(gateway: InternetGatewayRecord): XmlObject {
  return {
    attachmentSet: gateway.vpcId ? [{ state: 'available', vpcId: gateway.vpcId }] : [],
    internetGatewayId: gateway.id,
    ownerId: gateway.ownerId,
    tagSet: tagSet(gateway.tags),
  };
}

const SEEDED = 'internetGatewaysSeeded';

function seedDefaultGateways(state: RegionState, accountId: string): void {
  state.extra[SEEDED] = true;
  for (const vpc of vpcs.in(state).values()) {
    if (!vpc.isDefault || gatewayOf(state, vpc.id)) continue;
    const id = stableId(ID_KINDS.internetGateway, `${accountId}/${state.region}/default-igw`);
    internetGateways.in(state).set(id, { id, tags: [], ownerId: accountId, vpcId: vpc.id });
  }
}

// After the default network (order 10).
registerSeeder((state, store) => seedDefaultGateways(state, store.accountId), 15);
// A state file written before gateways existed gets its default VPC's gateway on first use.
registerTicker((state, _now, store) => {
  if (state.extra[SEEDED] !== true) seedDefaultGateways(state, store.accountId);
  return undefined;
});

function requireGateway(state: RegionState, id: string): InternetGatewayRecord {
  return resolveIds(ID_KINDS.internetGateway, [id], (key) => internetGateways.in(state).get(key))[0]!;
}

writeAction('CreateInternetGateway', ({ params, store, state, gate }) => {
  const tags = readTagSpecifications(params, ['internet-gateway']).get('internet-gateway') ?? [];
  gate();
  const gateway: InternetGatewayRecord = {
    id: newId(ID_KINDS.internetGateway),
    tags,
    ownerId: store.accountId,
  };
  internetGateways.in(state).set(gateway.id, gateway);
  return { internetGateway: gatewayToWire(gateway) };
});

function readAttachment(ctx: { params: Params; state: RegionState }) {
  const gateway = requireGateway(ctx.state, ctx.params.requiredString('InternetGatewayId'));
  const vpcId = ctx.params.requiredString('VpcId');
  resolveIds(ID_KINDS.vpc, [vpcId], (id) => vpcs.in(ctx.state).get(id));
  return { gateway, vpcId };
}

writeAction('AttachInternetGateway', (ctx) => {
  const { gateway, vpcId } = readAttachment(ctx);
  if (gateway.vpcId !== undefined) {
    throw new Ec2ApiError(
      'Resource.AlreadyAssociated',
      `resource ${gateway.id} is already attached to network ${gateway.vpcId}`,
    );
  }
  const other = gatewayOf(ctx.state, vpcId);
  if (other) {
    throw new Ec2ApiError(
      'Resource.AlreadyAssociated',
      `Network ${vpcId} already has an internet gateway attached (${other.id})`,
    );
  }
  ctx.gate();
  gateway.vpcId = vpcId;
  return { return: true };
});

writeAction('DetachInternetGateway', (ctx) => {
  const { gateway, vpcId } = readAttachment(ctx);
  if (gateway.vpcId !== vpcId) {
    throw new Ec2ApiError(
      'Gateway.NotAttached',
      `resource ${gateway.id} is not attached to network ${vpcId}`,
    );
  }
  if (mappedPublicAddresses(ctx.state, vpcId).length > 0) {
    throw new Ec2ApiError(
      'DependencyViolation',
      `Network ${vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
    );
  }
  ctx.gate();
  gateway.vpcId = undefined;
  return { return: true };
});

writeAction('DeleteInternetGateway', ({ params, state, gate }) => {
  const gateway = requireGateway(state, params.requiredString('InternetGatewayId'));
  if (gateway.vpcId !== undefined) {
    throw new Ec2ApiError(
      'DependencyViolation',
      `The internetGateway '${gateway.id}' has dependencies and cannot be deleted.`,
    );
  }
  gate();
  internetGateways.in(state).delete(gateway.id);
  return { return: true };
});

const GATEWAY_FILTERS: FilterFields<InternetGatewayRecord> = {
  'attachment.state': (g) => (g.vpcId ? 'available' : undefined),
  'attachment.vpc-id': (g) => g.vpcId,
  'internet-gateway-id': (g) => g.id,
  'owner-id': (g) => g.ownerId,
};

readAction('DescribeInternetGateways', ({ params, state, action }) => {
  const ids = params.strings('InternetGatewayId');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const all = internetGateways.in(state);
  const list =
    ids.length > 0 ? resolveIds(ID_KINDS.internetGateway, ids, (id) => all.get(id)) : [...all.values()];
  const result = paginate(applyFilters(list, filters, GATEWAY_FILTERS), page, action);
  return { internetGatewaySet: result.items.map(gatewayToWire), nextToken: result.nextToken };
});
