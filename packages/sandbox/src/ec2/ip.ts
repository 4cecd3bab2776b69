import { randomInt } from 'node:crypto';
import { Ec2ApiError, invalidParameterValue } from './errors';
import type { SubnetRecord } from './model';

/** IPv4 CIDR arithmetic for VPCs and subnets, and address allocation within a subnet. */
export interface Cidr {
  network: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((address & mask) >>> 0 !== address) return undefined;
  return { network: address, prefix };
}

export function formatIp(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.network >= outer.network &&
    inner.network + cidrSize(inner) <= outer.network + cidrSize(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

export function requireCidr(name: string, text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr)
    throw invalidParameterValue(
      `Value (${text}) for parameter ${name} is invalid. This is not a valid CIDR block.`,
    );
  return cidr;
}

/** EC2 keeps the first four addresses and the last one of every subnet. */
const RESERVED_LOW = 4;

export function availableIpCount(subnet: SubnetRecord): number {
  const cidr = parseCidr(subnet.cidrBlock)!;
  return cidrSize(cidr) - RESERVED_LOW - 1 - (subnet.nextHost - RESERVED_LOW) + subnet.freeHosts.length;
}

export function allocatePrivateIp(subnet: SubnetRecord): string {
  const cidr = parseCidr(subnet.cidrBlock)!;
  let host = subnet.freeHosts.shift();
  if (host === undefined) {
    if (subnet.nextHost >= cidrSize(cidr) - 1) {
      throw new Ec2ApiError(
        'InsufficientFreeAddressesInSubnet',
        `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
      );
    }
    host = subnet.nextHost;
    subnet.nextHost += 1;
  }
  return formatIp(cidr.network + host);
}

export function releasePrivateIp(subnet: SubnetRecord, address: string): void {
  const cidr = parseCidr(subnet.cidrBlock);
  const ip = parseCidr(`${address}/32`);
  if (!cidr || !ip) return;
  const host = ip.network - cidr.network;
  if (host >= RESERVED_LOW && host < subnet.nextHost && !subnet.freeHosts.includes(host))
    subnet.freeHosts.push(host);
}

/**
 * An auto-assigned public address. Drawn from the RFC 5737 documentation blocks so nothing the
 * sandbox shows (or a user copies out of it) is somebody's real host; Elastic IPs come from
 * 198.18.0.0/15 (address-model.ts), so the two never collide.
 */
export function randomPublicIp(): string {
  const block = ['192.0.2', '198.51.100'][randomInt(2)];
  return `${block}.${1 + randomInt(254)}`;
}

export function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export function publicDnsName(ip: string, region: string): string {
  const host = `ec2-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1'
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.amazonaws.com`;
}

export function randomMac(): string {
  const bytes = [0x02, ...Array.from({ length: 5 }, () => randomInt(256))];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
