import { formatIpv6Groups } from '@ec2ops/core/net';
import { Ec2ApiError } from '../errors';

/**
 * CIDR blocks as security-group rules take them. EC2 refuses what does not parse ("CIDR block
 * … is malformed") and stores the network address when host bits are set (10.0.0.28/29 is kept
 * as 10.0.0.24/29); IPv6 blocks come back in their canonical compressed form.
 */
export const malformedCidr = (cidr: string): Ec2ApiError =>
  new Ec2ApiError('InvalidParameterValue', `CIDR block ${cidr} is malformed`);

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** `a.b.c.d/n` → its network form, or undefined when it does not parse. */
export function normalizeIpv4Cidr(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv4(cidr.slice(0, slash));
  const prefixText = cidr.slice(slash + 1);
  if (address === undefined || !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${formatIpv4((address & mask) >>> 0)}/${prefix}`;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a trailing dotted IPv4. */
export function parseIpv6(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let body = text.toLowerCase();
  const lastColon = body.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted IPv4 (::ffff:192.0.2.1) stands for the last two groups.
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const group = /^[0-9a-f]{1,4}$/;
  const read = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!group.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = read(halves[0]!);
  if (!head) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const rest = read(halves[1]!);
  if (!rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

/** RFC 5952 text, written as core writes it (one implementation for ec2ops and the emulator). */
export function formatIpv6(groups: number[]): string {
  return formatIpv6Groups(groups);
}

export function normalizeIpv6Cidr(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const groups = parseIpv6(cidr.slice(0, slash));
  const prefixText = cidr.slice(slash + 1);
  if (!groups || !/^(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const masked = groups.map((g, i) => {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    return g & mask;
  });
  return `${formatIpv6(masked)}/${prefix}`;
}

export function requireIpv4Cidr(cidr: string): string {
  const normal = normalizeIpv4Cidr(cidr.trim());
  if (!normal) throw malformedCidr(cidr);
  return normal;
}

export function requireIpv6Cidr(cidr: string): string {
  const normal = normalizeIpv6Cidr(cidr.trim());
  if (!normal) throw malformedCidr(cidr);
  return normal;
}
