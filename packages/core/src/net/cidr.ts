/**
 * CIDR blocks as people type them into `/ec2 open … from …` and as the access config lists
 * them. EC2 silently stores the network address when host bits are set (10.0.0.5/24 becomes
 * 10.0.0.0/24, 256 addresses when one was meant), so ec2ops refuses host bits and says both
 * readings instead of guessing.
 */
export interface Cidr {
  family: 4 | 6;
  /** The network address as an integer (128-bit for IPv6). */
  network: bigint;
  prefix: number;
  /** Canonical text: dotted IPv4, RFC 5952 IPv6, always with `/prefix`. */
  text: string;
}

export type CidrParse =
  | {
      ok: true;
      cidr: Cidr /** Set when a bare address was taken as a single-address block. */;
      note?: string;
    }
  | { ok: false; problem: string };

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return undefined;
    value = value * 256n + BigInt(part);
  }
  return value;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function parseIpv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45 || !text.includes(':')) return undefined;
  let body = text.toLowerCase();
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const read = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
      groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const head = read(halves[0]!);
  if (!head) return undefined;
  let groups = head;
  if (halves.length === 2) {
    const rest = read(halves[1]!);
    if (!rest || head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(value: bigint): string {
  return formatIpv6Groups(
    Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn)),
  );
}

/**
 * Eight 16-bit groups in RFC 5952 text: lower case, no leading zeros, the longest run of two or
 * more zero groups as `::`. The EC2 emulator writes addresses with it too, so ec2ops and the
 * emulator never disagree on how an IPv6 rule reads.
 */
export function formatIpv6Groups(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

function mask(family: 4 | 6, prefix: number): bigint {
  const width = BigInt(bits(family));
  const all = (1n << width) - 1n;
  return prefix === 0 ? 0n : (all << (width - BigInt(prefix))) & all;
}

function format(family: 4 | 6, address: bigint, prefix: number): string {
  return `${family === 4 ? formatIpv4(address) : formatIpv6(address)}/${prefix}`;
}

/**
 * `203.0.113.0/24`, `2001:db8::/64`, or a bare address (taken as /32 or /128, with a note).
 * Host bits set → refused, naming the network block and the single address it might mean.
 */
export function parseCidr(raw: string): CidrParse {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = parseIpv4(addressText);
  const v6 = v4 === undefined ? parseIpv6(addressText) : undefined;
  const family: 4 | 6 | undefined = v4 !== undefined ? 4 : v6 !== undefined ? 6 : undefined;
  const address = v4 ?? v6;
  if (family === undefined || address === undefined) {
    return {
      ok: false,
      problem: `"${raw}" is not an IPv4 or IPv6 address or CIDR block (such as 203.0.113.0/24 or 2001:db8::/64)`,
    };
  }
  const max = bits(family);
  if (prefixText === undefined) {
    const cidr = { family, network: address, prefix: max, text: format(family, address, max) };
    return { ok: true, cidr, note: `took ${addressText} as ${cidr.text} (that one address)` };
  }
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > max) {
    return {
      ok: false,
      problem: `"${raw}" has an invalid prefix length: IPv${family} prefixes are 0 to ${max}`,
    };
  }
  const prefix = Number(prefixText);
  const network = address & mask(family, prefix);
  if (network !== address) {
    return {
      ok: false,
      problem:
        `${raw} has host bits set: EC2 would store it as ${format(family, network, prefix)} ` +
        `(the whole network); write that, or ${format(family, address, max)} for the one address`,
    };
  }
  return { ok: true, cidr: { family, network, prefix, text: format(family, network, prefix) } };
}

/** Whether `inner` lies entirely within `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefix <= inner.prefix &&
    (inner.network & mask(outer.family, outer.prefix)) === outer.network
  );
}

const IPV4_MAPPED = 0xffffn;

/**
 * The block policy judges: an IPv4-mapped IPv6 block (`::ffff:0.0.0.0/96`) reaches exactly the
 * IPv4 addresses it maps, so it is judged as that IPv4 block (here 0.0.0.0/0, the world), not as
 * a narrow IPv6 one. Every other block is itself.
 */
export function judgedCidr(cidr: Cidr): Cidr {
  if (cidr.family !== 6 || cidr.prefix < 96 || cidr.network >> 32n !== IPV4_MAPPED) return cidr;
  const network = cidr.network & 0xffffffffn;
  const prefix = cidr.prefix - 96;
  return { family: 4, network, prefix, text: format(4, network, prefix) };
}

/** `0.0.0.0/0` or `::/0`: the whole internet. */
export function isWorld(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}

/** The canonical text of a CIDR EC2 reports (for comparing with what ec2ops asks for). */
export function canonicalCidr(text: string): string {
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.cidr.text : text;
}
