import * as z from 'zod';
import { SECURITY_GROUP_ID } from '../aws-ids';
import { isWorld, parseCidr } from '../net/cidr';
import { parsePortSpec } from '../net/ports';
import { durationSchema, parseDuration } from '../time/durations';

/**
 * `access`: what `/ec2 open` may change, for how long, and from where. Checked purely in core
 * (access/policy.ts) before any EC2 call; infra grants security-group changes only on `groups`.
 */
const SOURCE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** In `portSources`: any security group as the source. */
export const ANY_SECURITY_GROUP = 'security-group';

const portSpec = z.string().refine((v) => parsePortSpec(v).ok, {
  message: 'must be a port or range such as 22, 8000-8100 or 53/udp (ports 1 to 65535)',
});

export const accessSchema = z
  .object({
    /** Security groups Slack may change: listed ids, or groups carrying every one of these tags. */
    groups: z
      .object({
        ids: z
          .array(
            z.string().regex(SECURITY_GROUP_ID, 'must be a security group id such as sg-0123456789abcdef0'),
          )
          .default([]),
        tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
      })
      .strict()
      .prefault({}),
    /** How long a rule stays open when `for` is not given. */
    defaultDuration: durationSchema.default('1h'),
    /** The longest `for` (and extension) accepted. */
    maxDuration: durationSchema.default('8h'),
    /** Named sources: name → CIDR blocks and/or security group ids (`from office`). */
    sources: z.record(z.string(), z.array(z.string()).min(1)).default({}),
    /** The named source used when `from` is not given; without it, `from` is required. */
    defaultSource: z.string().optional(),
    /** Ports never opened from Slack. */
    neverPorts: z.array(portSpec).default([]),
    /** Ports that may be opened to 0.0.0.0/0 and ::/0 (refused on every other port). */
    worldOpenPorts: z.array(portSpec).default([]),
    /** Administrative ports: from anything but a named source they need an approver. */
    adminPorts: z
      .array(portSpec)
      .default(['22', '3389', '1433', '1521', '3306', '5432', '5984', '6379', '9200', '11211', '27017']),
    /** Port (or range) → the only sources it may be opened from: source names, CIDRs, sg ids, `security-group`. */
    portSources: z.record(portSpec, z.array(z.string()).min(1)).default({}),
    /** The most ports one `open` may cover (a wider range is refused, approval or not). */
    maxPortRange: z.number().int().min(1).max(65535).default(1024),
    /** Blocks wider than these prefix lengths need an approver (named sources excepted). */
    maxPrefix: z
      .object({
        ipv4: z.number().int().min(0).max(32).default(24),
        ipv6: z.number().int().min(0).max(128).default(64),
      })
      .strict()
      .prefault({}),
    /** The owner gets a DM with an Extend button this long before a rule closes; off when absent. */
    warnBefore: durationSchema.optional(),
    /** A rule the sweep failed to close more than this many times is reported as stuck. */
    maxCloseFailures: z.number().int().min(1).max(1000).default(3),
  })
  .strict()
  .superRefine((access, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const sourceEntry = (value: string): string | undefined => {
      if (SECURITY_GROUP_ID.test(value)) return undefined;
      const parsed = parseCidr(value);
      if (!parsed.ok) return `${parsed.problem}; give CIDR blocks or security group ids`;
      if (parsed.note) return `write ${parsed.cidr.text} (with its prefix length)`;
      if (isWorld(parsed.cidr)) return 'a named source cannot be the whole internet; use worldOpenPorts';
      return undefined;
    };
    for (const [name, entries] of Object.entries(access.sources)) {
      if (!SOURCE_NAME.test(name)) issue(['sources', name], 'must be a lower-case name such as office');
      entries.forEach((entry, i) => {
        const problem = sourceEntry(entry);
        if (problem) issue(['sources', name, i], problem);
      });
    }
    if (access.defaultSource !== undefined && !(access.defaultSource in access.sources)) {
      issue(
        ['defaultSource'],
        `"${access.defaultSource}" is not one of the named sources (${Object.keys(access.sources).join(', ') || 'none'})`,
      );
    }
    for (const [ports, allowed] of Object.entries(access.portSources)) {
      allowed.forEach((entry, i) => {
        if (entry === ANY_SECURITY_GROUP || entry in access.sources) return;
        const problem = sourceEntry(entry);
        if (problem)
          issue(
            ['portSources', ports, i],
            `"${entry}" is not a named source, CIDR, security group id or "${ANY_SECURITY_GROUP}"`,
          );
      });
    }
    const max = parseDuration(access.maxDuration) ?? 0;
    if ((parseDuration(access.defaultDuration) ?? 0) > max) {
      issue(['defaultDuration'], 'must not be longer than maxDuration');
    }
    if (access.warnBefore !== undefined && (parseDuration(access.warnBefore) ?? 0) >= max) {
      issue(['warnBefore'], 'must be shorter than maxDuration');
    }
  });

export type AccessConfig = z.infer<typeof accessSchema>;
