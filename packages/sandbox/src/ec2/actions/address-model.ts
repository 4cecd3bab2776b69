import { createHash } from 'node:crypto';
import { Ec2ApiError } from '../errors';
import { ID_KINDS } from '../ids';
import { type BaseRecord, defineCollection, type Ec2Store, type RegionState, type Tag } from '../store';
import { formatIpv4, parseIpv4 } from './cidr';

/** An Elastic IP (`eipalloc-…`, taggable as `elastic-ip`). */
export interface AddressRecord extends BaseRecord {
  tags: Tag[];
  publicIp: string;
  domain: 'vpc' | 'standard';
  networkBorderGroup: string;
  allocatedAt: number;
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  networkInterfaceOwnerId?: string;
  privateIpAddress?: string;
  /** Reverse DNS name (ModifyAddressAttribute or the control endpoint): blocks ReleaseAddress. */
  ptrRecord?: string;
  /** Set by the control endpoint: the address cannot be released (InvalidAddress.Locked). */
  locked?: boolean;
}

export const addresses = defineCollection<AddressRecord>('addresses', ID_KINDS.allocation);

/**
 * Elastic IPs come from 198.18.0.0/15, the benchmarking block (RFC 2544): it looks like a
 * public address but is never routed on the internet, so nothing the emulator hands out can
 * point at somebody's real server. Each region starts at its own offset in the block.
 */
const POOL_START = parseIpv4('198.18.0.0')!;
const POOL_SIZE = 2 ** 17;

export function isPoolAddress(ip: string): boolean {
  const value = parseIpv4(ip);
  if (value === undefined) return false;
  const offset = value - POOL_START;
  const last = value & 255;
  return offset >= 0 && offset < POOL_SIZE && last !== 0 && last !== 255;
}

function regionOffset(region: string): number {
  return createHash('sha256').update(region).digest().readUInt32BE(0) % POOL_SIZE;
}

export function findAddressAnywhere(
  store: Ec2Store,
  match: (address: AddressRecord) => boolean,
): { address: AddressRecord; region: string } | undefined {
  for (const state of store.regions()) {
    for (const address of addresses.in(state).values())
      if (match(address)) return { address, region: state.region };
  }
  return undefined;
}

const NEXT = 'addressesNextOffset';

/** The next free pool address for a region, unique across the account's regions. */
export function allocatePublicIp(store: Ec2Store, state: RegionState): string {
  const taken = new Set<string>();
  for (const region of store.regions()) for (const a of addresses.in(region).values()) taken.add(a.publicIp);
  let cursor = typeof state.extra[NEXT] === 'number' ? (state.extra[NEXT] as number) : 0;
  const base = regionOffset(state.region);
  for (let tried = 0; tried < POOL_SIZE; tried += 1) {
    const ip = formatIpv4(POOL_START + ((base + cursor) % POOL_SIZE));
    cursor = (cursor + 1) % POOL_SIZE;
    if (isPoolAddress(ip) && !taken.has(ip)) {
      state.extra[NEXT] = cursor;
      return ip;
    }
  }
  throw new Ec2ApiError('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
}
