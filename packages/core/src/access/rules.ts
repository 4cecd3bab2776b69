import { canonicalCidr } from '../net/cidr';
import { formatPorts } from '../net/ports';
import { tagKeys } from '../tags';
import { parseInstant } from '../time/instant';

/**
 * A security-group rule as ec2ops reads it (from DescribeSecurityGroupRules), and the tags that
 * make a rule temporary. State lives on the rule itself: who, why, until when, which request.
 */
export type RuleSource =
  | { kind: 'cidr'; cidr: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'other'; label: string };

export interface AccessRule {
  ruleId: string;
  groupId: string;
  isEgress: boolean;
  /** `tcp`, `udp`, `-1`, … as EC2 reports it. */
  protocol: string;
  fromPort: number;
  toPort: number;
  source: RuleSource;
  description?: string | undefined;
  tags: Record<string, string>;
}

export interface AccessTagKeys {
  managed: string;
  owner: string;
  expiresAt: string;
  reason: string;
  requestId: string;
  closeFailures: string;
  warnedFor: string;
  /** On a security group: the group `/ec2 open … on <instance>` puts rules on. */
  accessGroup: string;
}

export function accessTagKeys(prefix: string): AccessTagKeys {
  return tagKeys(prefix, [
    'managed',
    'owner',
    'expiresAt',
    'reason',
    'requestId',
    'closeFailures',
    'warnedFor',
    'accessGroup',
  ]);
}

export function isManaged(rule: Pick<AccessRule, 'tags'>, keys: AccessTagKeys): boolean {
  return rule.tags[keys.managed] === 'true';
}

export function expiresAtMs(rule: Pick<AccessRule, 'tags'>, keys: AccessTagKeys): number | undefined {
  return parseInstant(rule.tags[keys.expiresAt]);
}

/** EC2 rule descriptions: up to 255 characters of `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`. */
const DESCRIPTION_CHAR = /[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/;

export function sanitizeDescription(text: string): string {
  let out = '';
  for (const ch of text) out += DESCRIPTION_CHAR.test(ch) ? ch : ' ';
  return out.replace(/ {2,}/g, ' ').trim().slice(0, 255);
}

/** Tag values: 256 characters of letters, digits, spaces and `+ - = . _ : / @` (the portable set). */
export function sanitizeTagValue(text: string): string {
  let out = '';
  for (const ch of text) out += /[\p{L}\p{N} +\-=._:/@]/u.test(ch) ? ch : ' ';
  return out.replace(/ {2,}/g, ' ').trim().slice(0, 256);
}

/** `2026-11-23T16:00Z`: the minute a rule closes, as the description shows it. */
export function shortInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** `ec2ops U123 until 2026-11-23T16:00Z: db migration`, sanitised for EC2. */
export function ruleDescription(owner: string, expiresAt: number, reason?: string): string {
  return sanitizeDescription(`ec2ops ${owner} until ${shortInstant(expiresAt)}${reason ? ` ${reason}` : ''}`);
}

export function ruleTags(input: {
  keys: AccessTagKeys;
  owner: string;
  expiresAt: number;
  requestId: string;
  reason?: string | undefined;
}): { Key: string; Value: string }[] {
  const { keys } = input;
  const tags = [
    { Key: keys.managed, Value: 'true' },
    { Key: keys.owner, Value: input.owner },
    { Key: keys.expiresAt, Value: new Date(input.expiresAt).toISOString() },
    { Key: keys.requestId, Value: sanitizeTagValue(input.requestId) },
  ];
  const reason = input.reason ? sanitizeTagValue(input.reason) : '';
  if (reason) tags.push({ Key: keys.reason, Value: reason });
  return tags;
}

export function sourceLabel(source: RuleSource): string {
  return source.kind === 'cidr' ? source.cidr : source.kind === 'group' ? source.groupId : source.label;
}

/** `22/tcp from 203.0.113.7/32` */
export function ruleLabel(rule: Pick<AccessRule, 'protocol' | 'fromPort' | 'toPort' | 'source'>): string {
  const proto = rule.protocol === '-1' ? 'all' : rule.protocol;
  const ports = rule.protocol === '-1' ? 'all' : formatPorts({ from: rule.fromPort, to: rule.toPort }, proto);
  return `${ports} from ${sourceLabel(rule.source)}`;
}

/** The identity EC2 gives an ingress rule: protocol, ports and source (not the description). */
export interface RuleIdentity {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: RuleSource;
}

export function sameRule(rule: AccessRule, want: RuleIdentity): boolean {
  if (rule.isEgress || rule.protocol !== want.protocol) return false;
  if (rule.fromPort !== want.fromPort || rule.toPort !== want.toPort) return false;
  const a = rule.source;
  const b = want.source;
  if (a.kind === 'cidr' && b.kind === 'cidr') return canonicalCidr(a.cidr) === canonicalCidr(b.cidr);
  if (a.kind === 'group' && b.kind === 'group') return a.groupId === b.groupId;
  return false;
}

/** Whether a person may close or extend this rule: its owner, or an admin. */
export function mayChange(
  rule: Pick<AccessRule, 'tags'>,
  keys: AccessTagKeys,
  user: { id: string; role: string },
): boolean {
  return user.role === 'admin' || rule.tags[keys.owner] === user.id;
}
