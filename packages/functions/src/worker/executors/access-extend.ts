import { ForbiddenError, InputError } from '@ec2ops/core';
import {
  accessTagKeys,
  expiresAtMs,
  extensionNeedsApproval,
  isManaged,
  mayChange,
  type OpenSource,
  requireDuration,
  ruleButtons,
  ruleLabel,
  shortInstant,
  sourceLabel,
} from '@ec2ops/core/access';
import type { RowPlace } from '@ec2ops/core/config';
import { parseCidr } from '@ec2ops/core/net';
import { section } from '@ec2ops/core/slack';
import { formatDuration } from '@ec2ops/core/time';
import { describeRule } from '../../ec2/security-group-rules';
import { scheduleExpiry } from '../../ops/expiry-hooks';
import type { CommandExecutor } from '../context';
import { requestInstant, retag } from './open';

/**
 * `/ec2 access extend <rule-id> [for <duration>]` (the Extend button): a new expiry counted from
 * now, never shorter than the current one. Owner or admin; a rule that needed an approver to
 * open needs one again (re-run `/ec2 open`) unless an admin extends it.
 */
export const accessExtend: CommandExecutor<'access extend'> = async ({
  request,
  config,
  ec2,
  clock,
  expiry,
  logger,
}) => {
  const keys = accessTagKeys(config.tagPrefix);
  const ruleId = request.args.rule;
  const durationMs = requireDuration(request.args.duration, config);
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const rule = await describeRule(client, ruleId);
    if (!rule) continue;
    if (!isManaged(rule, keys)) {
      throw new InputError(
        'access.not-managed',
        `${ruleId} (${ruleLabel(rule)}) is not managed by ec2ops: it has no expiry to extend.`,
        { hint: 'ec2ops extends only the rules it opened; `/ec2 access` lists them.' },
      );
    }
    if (!mayChange(rule, keys, request.user)) {
      const owner = rule.tags[keys.owner];
      throw new ForbiddenError(
        'access.not-yours',
        owner
          ? `${ruleId} (${ruleLabel(rule)}) belongs to <@${owner}>: only the owner or an admin can extend it.`
          : `${ruleId} (${ruleLabel(rule)}) has no ${keys.owner} tag: only an admin can extend it.`,
        { hint: 'Ask the owner, or an admin, to extend it; or open your own with `/ec2 open …`.' },
      );
    }
    const source: OpenSource | undefined =
      rule.source.kind === 'group'
        ? { kind: 'group', groupId: rule.source.groupId }
        : rule.source.kind === 'cidr'
          ? (() => {
              const parsed = parseCidr(rule.source.cidr);
              return parsed.ok ? { kind: 'cidr' as const, cidr: parsed.cidr } : undefined;
            })()
          : undefined;
    const approval =
      source && request.user.role !== 'admin'
        ? extensionNeedsApproval({ ...rule, source }, config)
        : undefined;
    if (approval) {
      const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
      throw new ForbiddenError(
        'access.extend-needs-approval',
        `Extending ${ruleLabel(rule)} needs an approver: ${approval}.`,
        {
          hint: `Ask again with \`/ec2 open ${ports}/${rule.protocol} on ${rule.groupId} from ${sourceLabel(rule.source)} for ${formatDuration(durationMs)}\` (it goes to the approvers), or ask an admin to extend it.`,
        },
      );
    }
    const current = expiresAtMs(rule, keys);
    const wanted = requestInstant(request, clock) + durationMs;
    const label = `${ruleLabel(rule)} on ${rule.groupId}`;
    if (current !== undefined && current >= wanted) {
      const text = `${label} is already open until ${shortInstant(current)}: left as is (${ruleId}).`;
      return {
        text,
        blocks: [
          ...section(text),
          ...ruleButtons(ruleId, config.access.defaultDuration, label, placeOf(request, region)),
        ],
      };
    }
    await retag(client, { groupId: rule.groupId }, rule, keys, wanted);
    await scheduleExpiry(expiry, logger, { kind: 'rule', ruleId, groupId: rule.groupId, region }, wanted);
    const text = `Extended ${label} until ${shortInstant(wanted)} (${ruleId}).`;
    return {
      text,
      blocks: [
        ...section(text),
        ...ruleButtons(ruleId, config.access.defaultDuration, label, placeOf(request, region)),
      ],
    };
  }
  throw new InputError(
    'access.rule-not-found',
    `No rule ${ruleId} is open in ${ec2.regions.join(', ')}: it has closed already.`,
    {
      hint: 'Open it again with `/ec2 open …`.',
    },
  );
};

/** In a member account the buttons act there again (issue 15); the hub's own rules carry no place. */
function placeOf(request: { account?: string | undefined }, region: string): RowPlace | undefined {
  return request.account ? { account: request.account, region } : undefined;
}
