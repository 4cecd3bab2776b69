import { InputError } from '@ec2ops/core';
import {
  type AccessRule,
  type AccessTagKeys,
  accessTagKeys,
  evaluateOpen,
  expiresAtMs,
  isManaged,
  mayChange,
  type OpenDecision,
  type OpenSource,
  openSourceText,
  type RuleIdentity,
  ruleButtons,
  ruleDescription,
  ruleTags,
  sameRule,
  shortInstant,
} from '@ec2ops/core/access';
import type { CommandRequest } from '@ec2ops/core/commands';
import type { RowPlace } from '@ec2ops/core/config';
import { formatPorts } from '@ec2ops/core/net';
import { type Block, context, section } from '@ec2ops/core/slack';
import { formatDuration, parseInstant } from '@ec2ops/core/time';
import type { EC2Client } from '../../ec2/client';
import { awsErrorCode, awsErrorMessage } from '../../ec2/errors';
import { authorizeIngress, describeRules, setIngressRuleDescription } from '../../ec2/security-group-rules';
import { tagResources } from '../../ec2/tags';
import { scheduleExpiry } from '../../ops/expiry-hooks';
import type { Clock, CommandExecutor } from '../context';
import { findTargetGroup, type TargetGroup, targetLabel } from './access-target';

/**
 * `/ec2 open`: one ingress rule per source, tagged on create with owner, expiry, reason and the
 * request id. The same rule again extends it (owner or admin); a rule ec2ops does not manage is
 * left alone ("already open permanently"). A redelivered request finds its own rule by request id.
 */
type Outcome =
  | { kind: 'opened'; source: OpenSource; ruleId: string; expiresAt: number }
  | { kind: 'extended'; source: OpenSource; ruleId: string; expiresAt: number; was: number | undefined }
  | { kind: 'kept'; source: OpenSource; ruleId: string; expiresAt: number }
  | { kind: 'held'; source: OpenSource; ruleId: string; owner: string; expiresAt: number | undefined }
  | { kind: 'permanent'; source: OpenSource; ruleId: string };

/** The instant the request counts from: when it was asked (or approved), so a redelivery computes the same expiry. */
export function requestInstant(
  request: Pick<CommandRequest, 'requestedAt' | 'approval'>,
  clock: Clock,
): number {
  const times = [parseInstant(request.requestedAt), parseInstant(request.approval?.at)].filter(
    (t): t is number => t !== undefined,
  );
  return times.length ? Math.max(...times) : clock.now().getTime();
}

export function identityOf(
  decision: Pick<OpenDecision, 'ports' | 'protocol'>,
  source: OpenSource,
): RuleIdentity {
  return {
    protocol: decision.protocol,
    fromPort: decision.ports.from,
    toPort: decision.ports.to,
    source:
      source.kind === 'cidr'
        ? { kind: 'cidr', cidr: source.cidr.text }
        : { kind: 'group', groupId: source.groupId },
  };
}

/** New expiry on a managed rule: tags first (the sweep reads them), then the description. */
export async function retag(
  client: EC2Client,
  target: { groupId: string },
  rule: AccessRule,
  keys: AccessTagKeys,
  expiresAt: number,
): Promise<void> {
  await tagResources(client, [rule.ruleId], { [keys.expiresAt]: new Date(expiresAt).toISOString() });
  const owner = rule.tags[keys.owner] ?? 'unknown';
  await setIngressRuleDescription(
    client,
    target.groupId,
    rule.ruleId,
    ruleDescription(owner, expiresAt, rule.tags[keys.reason]),
  );
}

function sourceError(error: unknown, decision: OpenDecision, target: TargetGroup): never {
  const code = awsErrorCode(error);
  if (code === 'InvalidGroup.NotFound' || code === 'InvalidGroupId.Malformed') {
    throw new InputError(
      'access.bad-source',
      `Cannot open from ${decision.sourceText}: ${awsErrorMessage(error)}.`,
      {
        hint: 'A security group source must exist in the same VPC as the target group.',
        cause: error,
      },
    );
  }
  if (code === 'InvalidParameterValue' || code === 'InvalidPermission.Malformed') {
    throw new InputError(
      'access.refused-by-ec2',
      `EC2 refused the rule on ${targetLabel(target)}: ${awsErrorMessage(error)}. Nothing was opened.`,
      { hint: 'Check the ports, protocol and source against `/ec2 help open`.', cause: error },
    );
  }
  if (code === 'RulesPerSecurityGroupLimitExceeded') {
    throw new InputError('access.group-full', `${targetLabel(target)} has no room for more rules.`, {
      hint: 'Close rules you no longer need (`/ec2 access`), or ask for a larger quota.',
      cause: error,
    });
  }
  throw error;
}

export const open: CommandExecutor<'open'> = async ({ request, config, ec2, clock, expiry, logger }) => {
  const decision = evaluateOpen(request.args, config);
  const keys = accessTagKeys(config.tagPrefix);
  const target = await findTargetGroup(ec2, decision.target, config);
  // The request id is the same on every delivery and after an approval: it marks the rule as this request's.
  const token = request.id;
  const startMs = requestInstant(request, clock);
  const expiresAt = startMs + decision.durationMs;
  const user = request.user;

  const settle = async (): Promise<{ outcomes: Outcome[]; missing: OpenSource[] }> => {
    const existing = await describeRules(target.client, [{ Name: 'group-id', Values: [target.groupId] }]);
    const outcomes: Outcome[] = [];
    const missing: OpenSource[] = [];
    for (const source of decision.sources) {
      const rule = existing.find((r) => sameRule(r, identityOf(decision, source)));
      if (!rule) {
        missing.push(source);
        continue;
      }
      if (!isManaged(rule, keys)) {
        outcomes.push({ kind: 'permanent', source, ruleId: rule.ruleId });
        continue;
      }
      const current = expiresAtMs(rule, keys);
      if (rule.tags[keys.requestId] === token) {
        outcomes.push({ kind: 'opened', source, ruleId: rule.ruleId, expiresAt: current ?? expiresAt });
      } else if (!mayChange(rule, keys, user)) {
        outcomes.push({
          kind: 'held',
          source,
          ruleId: rule.ruleId,
          owner: rule.tags[keys.owner] ?? '?',
          expiresAt: current,
        });
      } else if (current !== undefined && current >= expiresAt) {
        outcomes.push({ kind: 'kept', source, ruleId: rule.ruleId, expiresAt: current });
      } else {
        await retag(target.client, target, rule, keys, expiresAt);
        outcomes.push({ kind: 'extended', source, ruleId: rule.ruleId, expiresAt, was: current });
      }
    }
    return { outcomes, missing };
  };

  let { outcomes, missing } = await settle();
  if (missing.length) {
    try {
      const created = await authorizeIngress(target.client, {
        groupId: target.groupId,
        protocol: decision.protocol,
        fromPort: decision.ports.from,
        toPort: decision.ports.to,
        sources: missing,
        description: ruleDescription(user.id, expiresAt, decision.reason),
        tags: ruleTags({ keys, owner: user.id, expiresAt, requestId: token, reason: decision.reason }),
      });
      for (const source of missing) {
        const rule = created.find((r) => sameRule(r, identityOf(decision, source)));
        outcomes.push({ kind: 'opened', source, ruleId: rule?.ruleId ?? '(new rule)', expiresAt });
      }
    } catch (error) {
      // Someone (or this request's earlier delivery) added the same rule since we looked: settle again.
      if (awsErrorCode(error) !== 'InvalidPermission.Duplicate') sourceError(error, decision, target);
      ({ outcomes, missing } = await settle());
      if (missing.length) throw error;
    }
  }
  // The second enforcement: a schedule per rule this request opened or extended (a redelivery sets the same one).
  for (const o of outcomes) {
    if ((o.kind === 'opened' || o.kind === 'extended') && o.ruleId.startsWith('sgr-')) {
      const rule = {
        kind: 'rule' as const,
        ruleId: o.ruleId,
        groupId: target.groupId,
        region: target.region,
      };
      await scheduleExpiry(expiry, logger, rule, o.expiresAt);
    }
  }
  const place = request.account ? { account: request.account, region: target.region } : undefined;
  return openMessage(decision, target, outcomes, config.access.defaultDuration, startMs, request.id, place);
};

function openMessage(
  decision: OpenDecision,
  target: TargetGroup,
  outcomes: Outcome[],
  extendBy: string,
  nowMs: number,
  requestId: string,
  /** In a member account the buttons act there again (issue 15). */
  place?: RowPlace,
): { text: string; blocks: Block[] } {
  const ports = formatPorts(decision.ports, decision.protocol);
  const where = targetLabel(target);
  const lines = outcomes.map((o) => {
    const from = openSourceText(o.source);
    switch (o.kind) {
      case 'opened':
        return `Opened ${ports} from ${from} on ${where} until ${shortInstant(o.expiresAt)} (${formatDuration(o.expiresAt - nowMs)}), rule ${o.ruleId}.`;
      case 'extended':
        return `${ports} from ${from} on ${where} was already open${o.was ? ` until ${shortInstant(o.was)}` : ''}: extended until ${shortInstant(o.expiresAt)}, rule ${o.ruleId}.`;
      case 'kept':
        return `${ports} from ${from} on ${where} is already open until ${shortInstant(o.expiresAt)}, later than asked: left as is, rule ${o.ruleId}.`;
      case 'held':
        return `${ports} from ${from} on ${where} is already open for <@${o.owner}>${o.expiresAt ? ` until ${shortInstant(o.expiresAt)}` : ''} (rule ${o.ruleId}): only they or an admin can extend it.`;
      default:
        return `${ports} from ${from} on ${where} is already open permanently (rule ${o.ruleId}, not managed by ec2ops): left alone, nothing to close later.`;
    }
  });
  const blocks: Block[] = [];
  for (const [i, o] of outcomes.entries()) {
    blocks.push(...section(lines[i]!));
    if (o.kind === 'opened' || o.kind === 'extended' || o.kind === 'kept') {
      blocks.push(
        ...ruleButtons(
          o.ruleId,
          extendBy,
          `${ports} from ${openSourceText(o.source)} on ${target.groupId}`,
          place,
        ),
      );
    }
  }
  const notes = [
    ...decision.notes,
    ...(decision.reason ? [`reason: ${decision.reason}`] : []),
    `request ${requestId}`,
  ];
  blocks.push(...context(notes.join(' · ')));
  return { text: [...lines, ...decision.notes].join('\n'), blocks };
}
