import { Ec2ApiError, invalidParameterValue } from '../errors';
import type { Params } from '../query';
import { requireIpv4Cidr, requireIpv6Cidr } from './cidr';

/**
 * `IpPermissions.N` as Authorize/Revoke take them, split into one rule per source (one CIDR, one
 * group, one prefix list), which is how EC2 stores them. Validation follows EC2's answers:
 * unknown protocol and malformed CIDR → InvalidParameterValue, a port out of range →
 * InvalidPermission.Malformed, a missing half of a port range → InvalidParameterValue
 * ("Must specify both from and to ports…"), no source at all → MissingParameter.
 */
export type RuleSource =
  | { kind: 'ipv4'; cidr: string }
  | { kind: 'ipv6'; cidr: string }
  | { kind: 'group'; groupId?: string; groupName?: string; userId?: string }
  | { kind: 'prefix-list'; prefixListId: string };

export interface RuleSpec {
  /** tcp, udp, icmp, icmpv6, -1 (all), or another protocol number as a string. */
  ipProtocol: string;
  /** -1 where the protocol has no ports (and for "all" ICMP types/codes). */
  fromPort: number;
  toPort: number;
  source: RuleSource;
  description: string | undefined;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** tcp/udp/icmp/icmpv6/-1 by name or number; other IANA numbers 0–255 stay numbers. */
export function normalizeProtocol(raw: string): string {
  const value = raw.trim().toLowerCase();
  if (value === '-1' || value === 'all') return '-1';
  if (value === 'tcp' || value === 'udp' || value === 'icmp' || value === 'icmpv6') return value;
  if (/^[0-9]{1,3}$/.test(value) && Number(value) <= 255)
    return PROTOCOL_NAMES[String(Number(value))] ?? String(Number(value));
  throw invalidParameterValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
}

export const hasPorts = (protocol: string): boolean => protocol === 'tcp' || protocol === 'udp';
const isIcmp = (protocol: string): boolean => protocol === 'icmp' || protocol === 'icmpv6';

const portRangeMissing = (label: string): Ec2ApiError =>
  invalidParameterValue(`Invalid value 'Must specify both from and to ports with ${label}.' for portRange.`);

/** Validates the ports for a protocol and returns what EC2 stores. */
export function normalizePorts(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
): { fromPort: number; toPort: number } {
  if (hasPorts(protocol)) {
    if (from === undefined || to === undefined) throw portRangeMissing('TCP/UDP');
    for (const port of [from, to]) {
      if (port < 0 || port > 65535)
        throw new Ec2ApiError('InvalidPermission.Malformed', `TCP/UDP port (${port}) out of range`);
    }
    if (from > to)
      throw invalidParameterValue(
        `Invalid TCP/UDP port range: from port ${from} is greater than to port ${to}`,
      );
    return { fromPort: from, toPort: to };
  }
  if (isIcmp(protocol)) {
    if (protocol === 'icmp' && (from === undefined || to === undefined)) throw portRangeMissing('ICMP');
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255)
      throw new Ec2ApiError('InvalidPermission.Malformed', `ICMP type (${type}) out of range`);
    if (code < -1 || code > 255)
      throw new Ec2ApiError('InvalidPermission.Malformed', `ICMP code (${code}) out of range`);
    return { fromPort: type, toPort: code };
  }
  // All traffic, or a protocol without ports: EC2 ignores whatever ports were sent.
  return { fromPort: -1, toPort: -1 };
}

const DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;

export function validateDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (description.length > 255 || !DESCRIPTION.test(description)) {
    throw invalidParameterValue(
      'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
    );
  }
  return description;
}

const PREFIX_LIST_ID = /^pl-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

function port(params: Params, key: string): number | undefined {
  return params.integer(key, { min: -2_147_483_648, max: 2_147_483_647 });
}

function readSources(item: Params): { source: RuleSource; description: string | undefined }[] {
  const out: { source: RuleSource; description: string | undefined }[] = [];
  // IpRanges and Ipv6Ranges differ only in their member name and address family.
  const ranges = [
    { list: 'IpRanges', member: 'CidrIp', kind: 'ipv4', read: requireIpv4Cidr },
    { list: 'Ipv6Ranges', member: 'CidrIpv6', kind: 'ipv6', read: requireIpv6Cidr },
  ] as const;
  for (const { list, member, kind, read } of ranges) {
    for (const range of item.list(list)) {
      const raw = range.string(member);
      if (raw === undefined)
        throw new Ec2ApiError(
          'MissingParameter',
          `The request must contain the parameter ${range.path}.${member}`,
        );
      out.push({
        source: { kind, cidr: read(raw) },
        description: validateDescription(range.string('Description')),
      });
    }
  }
  for (const pair of item.list('Groups')) {
    const groupId = pair.string('GroupId');
    const groupName = pair.string('GroupName');
    if (!groupId && !groupName) {
      throw new Ec2ApiError(
        'MissingParameter',
        `The request must contain the parameter ${pair.path}.GroupId`,
      );
    }
    out.push({
      source: { kind: 'group', groupId, groupName, userId: pair.string('UserId') },
      description: validateDescription(pair.string('Description')),
    });
  }
  for (const entry of item.list('PrefixListIds')) {
    const id = entry.string('PrefixListId');
    if (!id)
      throw new Ec2ApiError(
        'MissingParameter',
        `The request must contain the parameter ${entry.path}.PrefixListId`,
      );
    if (!PREFIX_LIST_ID.test(id))
      throw new Ec2ApiError('InvalidPrefixListId.Malformed', `The prefix list ID '${id}' is malformed`);
    out.push({
      source: { kind: 'prefix-list', prefixListId: id },
      description: validateDescription(entry.string('Description')),
    });
  }
  return out;
}

/**
 * Reads `IpPermissions.N` (or the legacy top-level CidrIp/IpProtocol/FromPort/ToPort and
 * SourceSecurityGroupName the AWS CLI's --cidr/--port/--source-group send) into rule specs.
 */
export function readIpPermissions(params: Params): RuleSpec[] {
  const specs: RuleSpec[] = [];
  const items = params.list('IpPermissions');
  for (const item of items) {
    const rawProtocol = item.string('IpProtocol');
    if (rawProtocol === undefined || rawProtocol === '') {
      throw new Ec2ApiError(
        'MissingParameter',
        `The request must contain the parameter ${item.path}.IpProtocol`,
      );
    }
    const ipProtocol = normalizeProtocol(rawProtocol);
    const { fromPort, toPort } = normalizePorts(ipProtocol, port(item, 'FromPort'), port(item, 'ToPort'));
    const sources = readSources(item);
    if (sources.length === 0) {
      throw new Ec2ApiError(
        'MissingParameter',
        'Missing source specification: include source security group or CIDR information',
      );
    }
    for (const { source, description } of sources)
      specs.push({ ipProtocol, fromPort, toPort, source, description });
  }
  const legacyCidr = params.string('CidrIp');
  const legacyGroup = params.string('SourceSecurityGroupName');
  const legacyProtocol = params.string('IpProtocol');
  if (legacyCidr !== undefined || legacyGroup !== undefined || legacyProtocol !== undefined) {
    if (items.length > 0) {
      throw new Ec2ApiError(
        'InvalidParameterCombination',
        'The parameter IpPermissions cannot be used with the parameters CidrIp, IpProtocol, FromPort, ToPort or SourceSecurityGroupName',
      );
    }
    const ipProtocol = normalizeProtocol(legacyProtocol ?? (legacyGroup !== undefined ? '-1' : ''));
    const { fromPort, toPort } = normalizePorts(ipProtocol, port(params, 'FromPort'), port(params, 'ToPort'));
    if (legacyCidr !== undefined) {
      specs.push({
        ipProtocol,
        fromPort,
        toPort,
        source: { kind: 'ipv4', cidr: requireIpv4Cidr(legacyCidr) },
        description: undefined,
      });
    }
    if (legacyGroup !== undefined) {
      specs.push({
        ipProtocol,
        fromPort,
        toPort,
        source: {
          kind: 'group',
          groupName: legacyGroup,
          userId: params.string('SourceSecurityGroupOwnerId'),
        },
        description: undefined,
      });
    }
    if (legacyCidr === undefined && legacyGroup === undefined) {
      throw new Ec2ApiError(
        'MissingParameter',
        'Missing source specification: include source security group or CIDR information',
      );
    }
  }
  return specs;
}

/** How a rule's source is keyed for "is it the same rule" checks (group sources by id). */
export function sourceKey(source: RuleSource): string {
  switch (source.kind) {
    case 'ipv4':
      return `4:${source.cidr}`;
    case 'ipv6':
      return `6:${source.cidr}`;
    case 'prefix-list':
      return `pl:${source.prefixListId}`;
    case 'group':
      return `sg:${source.groupId ?? source.groupName}`;
  }
}

/** Two rules are the same when direction, protocol, ports and source agree (descriptions aside). */
export function ruleKey(
  isEgress: boolean,
  spec: Pick<RuleSpec, 'ipProtocol' | 'fromPort' | 'toPort' | 'source'>,
): string {
  return `${isEgress ? 'e' : 'i'}|${spec.ipProtocol}|${spec.fromPort}|${spec.toPort}|${sourceKey(spec.source)}`;
}

/** The wording EC2 uses to name a rule in InvalidPermission.Duplicate. */
export function describeRule(spec: Pick<RuleSpec, 'ipProtocol' | 'fromPort' | 'toPort' | 'source'>): string {
  const source = spec.source;
  const peer =
    source.kind === 'ipv4' || source.kind === 'ipv6'
      ? source.cidr
      : source.kind === 'prefix-list'
        ? source.prefixListId
        : (source.groupId ?? source.groupName ?? '');
  const protocol = spec.ipProtocol === '-1' ? 'ALL' : spec.ipProtocol.toUpperCase();
  const ports =
    hasPorts(spec.ipProtocol) || spec.fromPort !== -1
      ? `, from port: ${spec.fromPort}, to port: ${spec.toPort}`
      : '';
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}
