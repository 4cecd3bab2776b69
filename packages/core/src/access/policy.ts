import { SECURITY_GROUP_ID } from '../aws-ids';
import { type AccessConfig, ANY_SECURITY_GROUP } from '../config/access';
import type { StageConfig } from '../config/schema';
import { ForbiddenError, InputError } from '../errors';
import { type Cidr, cidrContains, isWorld, judgedCidr, parseCidr } from '../net/cidr';
import {
  entriesCover,
  entryTouches,
  formatPorts,
  type PortRange,
  type PortSpec,
  type Protocol,
  parsePortSpec,
} from '../net/ports';
import { formatDuration, parseDuration } from '../time/durations';

/**
 * The pure decision behind `/ec2 open`: what the words mean, whether the stage allows it at all
 * (refused with a reason), and whether someone else must approve it. No EC2 call: the
 * executor resolves the target and checks the group afterwards with `groupAllowed`.
 */
export type OpenSource =
  | { kind: 'cidr'; cidr: Cidr; named?: string }
  | { kind: 'group'; groupId: string; named?: string };

export interface OpenDecision {
  ports: PortRange;
  protocol: Protocol;
  sources: OpenSource[];
  /** How the source was written (`office`, `203.0.113.7/32`, `sg-…`). */
  sourceText: string;
  durationMs: number;
  target: string;
  reason: string | undefined;
  /** Normalisations worth telling the person about ("took 203.0.113.7 as 203.0.113.7/32"). */
  notes: string[];
  /** Why an approver is needed; undefined when it may run now. */
  approval: string | undefined;
}

export function openSourceText(source: OpenSource): string {
  return source.kind === 'cidr' ? source.cidr.text : source.groupId;
}

function portEntries(list: readonly string[]): PortSpec[] {
  return list.flatMap((text) => {
    const parsed = parsePortSpec(text);
    return parsed.ok ? [parsed.spec] : [];
  });
}

/** Parses `22`, `8000-8100/udp`; refused with a readable reason. */
export function requirePorts(raw: string): { ports: PortRange; protocol: Protocol } {
  const parsed = parsePortSpec(raw);
  if (!parsed.ok) {
    throw new InputError('access.bad-port', `Cannot open ${raw}: ${parsed.problem}.`, {
      hint: 'Write the port as 22, a range as 8000-8100, and add /udp for UDP (tcp is the default).',
    });
  }
  return { ports: { from: parsed.spec.from, to: parsed.spec.to }, protocol: parsed.spec.protocol ?? 'tcp' };
}

/** A named source, a security group, or a CIDR (a bare address becomes /32 or /128). */
export function resolveSources(
  raw: string,
  access: AccessConfig,
): { sources: OpenSource[]; notes: string[] } {
  const named = access.sources[raw.toLowerCase()];
  if (named) {
    const sources = named.map((entry): OpenSource => {
      if (SECURITY_GROUP_ID.test(entry)) return { kind: 'group', groupId: entry, named: raw.toLowerCase() };
      const parsed = parseCidr(entry);
      if (!parsed.ok) throw new Error(`config access.sources.${raw} was validated: ${entry}`);
      return { kind: 'cidr', cidr: parsed.cidr, named: raw.toLowerCase() };
    });
    return { sources, notes: [] };
  }
  if (SECURITY_GROUP_ID.test(raw)) return { sources: [{ kind: 'group', groupId: raw }], notes: [] };
  const parsed = parseCidr(raw);
  if (!parsed.ok) {
    const names = Object.keys(access.sources);
    const looksLikeName = /^[a-z][a-z0-9-]*$/i.test(raw) && !raw.startsWith('sg-');
    throw new InputError(
      'access.bad-source',
      looksLikeName
        ? `"${raw}" is not a named source of this stage.`
        : `Cannot open from ${raw}: ${parsed.problem}.`,
      {
        hint: `Give a CIDR (203.0.113.0/24, 2001:db8::/64), a security group id (sg-…)${names.length ? ` or a named source: ${names.join(', ')}` : ''}.`,
      },
    );
  }
  return { sources: [{ kind: 'cidr', cidr: parsed.cidr }], notes: parsed.note ? [parsed.note] : [] };
}

/** Whether a source counts as "from a named source": it is one, or lies inside one. */
function insideNamedSource(source: OpenSource, access: AccessConfig): boolean {
  if (source.named) return true;
  for (const entries of Object.values(access.sources)) {
    for (const entry of entries) {
      if (source.kind === 'group') {
        if (entry === source.groupId) return true;
        continue;
      }
      const parsed = parseCidr(entry);
      if (parsed.ok && cidrContains(judgedCidr(parsed.cidr), judgedCidr(source.cidr))) return true;
    }
  }
  return false;
}

/** Whether a `portSources` entry lets this source in. */
function allowedBy(allowed: readonly string[], source: OpenSource, access: AccessConfig): boolean {
  return allowed.some((entry) => {
    if (entry === ANY_SECURITY_GROUP) return source.kind === 'group';
    if (source.named === entry) return true;
    const expanded = access.sources[entry] ?? [entry];
    return expanded.some((e) => {
      if (source.kind === 'group') return e === source.groupId;
      const parsed = parseCidr(e);
      return parsed.ok && cidrContains(judgedCidr(parsed.cidr), judgedCidr(source.cidr));
    });
  });
}

export function maxDurationMs(config: StageConfig): number {
  return parseDuration(config.access.maxDuration)!;
}

/** `for` as given (milliseconds) or the default; refused beyond the maximum. */
/** A parsed argument as the command layer hands it over (access sits below commands). */
type ArgValue = string | number | boolean;

export function requireDuration(given: ArgValue | undefined, config: StageConfig): number {
  const max = maxDurationMs(config);
  const ms = typeof given === 'number' ? given : parseDuration(config.access.defaultDuration)!;
  if (ms > max) {
    throw new InputError(
      'access.duration-too-long',
      `${formatDuration(ms)} is longer than this stage allows: at most ${formatDuration(max)}.`,
      { hint: `Ask for ${config.access.maxDuration} or less; extend it later if you still need it.` },
    );
  }
  return ms;
}

/**
 * Everything `/ec2 open` can decide without EC2. Throws InputError for words it cannot read,
 * ForbiddenError for what the stage never allows.
 */
export function evaluateOpen(args: Record<string, ArgValue>, config: StageConfig): OpenDecision {
  const access = config.access;
  const { ports, protocol } = requirePorts(String(args['ports']));
  const label = formatPorts(ports, protocol);
  const target = String(args['target']);
  const durationMs = requireDuration(args['duration'], config);
  const sourceText = typeof args['source'] === 'string' ? args['source'] : access.defaultSource;
  if (sourceText === undefined) {
    throw new InputError('access.no-source', `Say where ${label} should be open from.`, {
      hint: `Add \`from <cidr|sg-…${Object.keys(access.sources).length ? `|${Object.keys(access.sources).join('|')}` : ''}>\`.`,
    });
  }
  const { sources, notes } = resolveSources(sourceText, access);

  if (
    SECURITY_GROUP_ID.test(target) &&
    Object.keys(access.groups.tags).length === 0 &&
    !access.groups.ids.includes(target)
  ) {
    throw groupNotAllowed(target, config);
  }
  const never = portEntries(access.neverPorts).find((e) => entryTouches(e, ports, protocol));
  if (never) {
    throw new ForbiddenError(
      'access.port-never',
      `${label} cannot be opened from Slack: this stage never allows ${formatPorts(never, never.protocol)}.`,
      {
        hint: 'Ask the platform team if you really need it.',
      },
    );
  }
  const width = ports.to - ports.from + 1;
  if (width > access.maxPortRange) {
    throw new ForbiddenError(
      'access.range-too-wide',
      `${label} is ${width} ports: this stage opens at most ${access.maxPortRange} at once.`,
      { hint: 'Open the ports you need, or a narrower range (config access.maxPortRange).' },
    );
  }
  const worldPorts = portEntries(access.worldOpenPorts);
  for (const source of sources) {
    if (
      source.kind === 'cidr' &&
      isWorld(judgedCidr(source.cidr)) &&
      !entriesCover(worldPorts, ports, protocol)
    ) {
      throw new ForbiddenError(
        'access.world-open',
        `${label} cannot be opened to the whole internet (${source.cidr.text}) in this stage.`,
        {
          hint: worldPorts.length
            ? `Only ${access.worldOpenPorts.join(', ')} may be open to the world; give your own address (from <your-ip>) instead.`
            : 'Give your own address or network (from 203.0.113.7) instead.',
        },
      );
    }
  }
  for (const [entryText, allowed] of Object.entries(access.portSources)) {
    const parsed = parsePortSpec(entryText);
    if (!parsed.ok || !entryTouches(parsed.spec, ports, protocol)) continue;
    const refused = sources.find((s) => !allowedBy(allowed, s, access));
    if (refused) {
      throw new ForbiddenError(
        'access.source-not-allowed',
        `${label} may only be opened from ${allowed.join(', ')} in this stage, not from ${openSourceText(refused)}.`,
        { hint: `Use \`from ${allowed[0]}\`.` },
      );
    }
  }

  const reasons: string[] = [];
  const adminPorts = portEntries(access.adminPorts);
  const admin = adminPorts.find((e) => entryTouches(e, ports, protocol));
  const outside = sources.filter((s) => !insideNamedSource(s, access));
  if (admin && ports.from !== ports.to) {
    // A range is not "the admin port from the office": it opens everything else beside it.
    reasons.push(
      `${label} is a range that includes the administrative port ${formatPorts(admin, admin.protocol)}`,
    );
  } else if (admin && outside.length) {
    reasons.push(
      `${label} is an administrative port, opened from ${outside.map(openSourceText).join(', ')}, outside the named sources${
        Object.keys(access.sources).length ? ` (${Object.keys(access.sources).join(', ')})` : ''
      }`,
    );
  }
  for (const source of outside) {
    const wide = source.kind === 'cidr' ? tooWide(source.cidr, access) : undefined;
    if (wide) reasons.push(wide);
  }
  const reason =
    typeof args['reason'] === 'string' && args['reason'].trim() ? args['reason'].trim() : undefined;
  return {
    ports,
    protocol,
    sources,
    sourceText,
    durationMs,
    target,
    reason,
    notes,
    approval: reasons.length ? reasons.join('; ') : undefined,
  };
}

export function groupNotAllowed(groupId: string, config: StageConfig): ForbiddenError {
  const { ids, tags } = config.access.groups;
  const how = [
    ids.length ? `the groups ${ids.join(', ')}` : undefined,
    Object.keys(tags).length
      ? `groups tagged ${Object.entries(tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(' and ')}`
      : undefined,
  ].filter(Boolean);
  return new ForbiddenError(
    'access.group-not-allowed',
    `${groupId} cannot be changed from Slack in this stage.`,
    {
      hint: how.length
        ? `Only ${how.join(' or ')} can.`
        : 'This stage allows no security group yet (config access.groups).',
    },
  );
}

/** Whether Slack may change this group: listed by id, or carrying every configured tag. */
export function groupAllowed(
  group: { groupId: string; tags: Record<string, string> },
  config: StageConfig,
): boolean {
  const { ids, tags } = config.access.groups;
  if (ids.includes(group.groupId)) return true;
  const wanted = Object.entries(tags);
  return wanted.length > 0 && wanted.every(([k, v]) => group.tags[k] === v);
}

/**
 * Whether extending an existing rule needs an approver: the same policy as opening it, applied
 * to what the rule is. Used by `access extend` (admins extend without one).
 */
export function extensionNeedsApproval(
  rule: { protocol: string; fromPort: number; toPort: number; source: OpenSource },
  config: StageConfig,
): string | undefined {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return undefined;
  const access = config.access;
  const ports = { from: rule.fromPort, to: rule.toPort };
  const admin = portEntries(access.adminPorts).some((e) => entryTouches(e, ports, rule.protocol as Protocol));
  const outside = !insideNamedSource(rule.source, access);
  if (admin && outside)
    return `${formatPorts(ports, rule.protocol)} is an administrative port outside the named sources`;
  if (admin && rule.fromPort !== rule.toPort)
    return `${formatPorts(ports, rule.protocol)} is a range that includes an administrative port`;
  if (outside && rule.source.kind === 'cidr') return tooWide(rule.source.cidr, access);
  return undefined;
}

/** Why a block outside the named sources needs an approver (judged as the IPv4 it maps, if so). */
function tooWide(cidr: Cidr, access: AccessConfig): string | undefined {
  const judged = judgedCidr(cidr);
  if (isWorld(judged)) return undefined;
  const limit = judged.family === 4 ? access.maxPrefix.ipv4 : access.maxPrefix.ipv6;
  if (judged.prefix >= limit) return undefined;
  return judged === cidr
    ? `${cidr.text} is wider than /${limit}`
    : `${cidr.text} (the IPv4 block ${judged.text}) is wider than /${limit}`;
}
