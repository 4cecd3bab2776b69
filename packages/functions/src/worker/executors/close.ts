import { ForbiddenError, InputError } from '@ec2ops/core';
import {
  type AccessRule,
  accessTagKeys,
  isManaged,
  mayChange,
  requirePorts,
  resolveSources,
  ruleLabel,
  sameRule,
} from '@ec2ops/core/access';
import { SECURITY_GROUP_RULE_ID } from '@ec2ops/core/aws-ids';
import { formatPorts } from '@ec2ops/core/net';
import { section } from '@ec2ops/core/slack';
import { describeRule, describeRules, revokeRules } from '../../ec2/security-group-rules';
import { unscheduleExpiry } from '../../ops/expiry-hooks';
import type { CommandExecutor } from '../context';
import { findTargetGroup, targetLabel } from './access-target';
import { identityOf } from './open';

/**
 * `/ec2 close <rule-id>` or `/ec2 close <port> on <target> [from …]`: revokes temporary rules by
 * id, the owner's or (for an admin) anyone's. Never a rule ec2ops does not manage; a rule that
 * is already gone counts as closed, so a redelivered request changes nothing.
 */

function refuseUnlessChangeable(
  rules: AccessRule[],
  user: { id: string; role: string },
  prefix: string,
): void {
  const keys = accessTagKeys(prefix);
  const unmanaged = rules.filter((r) => !isManaged(r, keys));
  if (unmanaged.length) {
    throw new InputError(
      'access.not-managed',
      `${unmanaged.map((r) => `${r.ruleId} (${ruleLabel(r)})`).join(', ')} ${unmanaged.length === 1 ? 'is' : 'are'} not managed by ec2ops: not closed.`,
      { hint: 'ec2ops only closes rules it opened; change permanent rules where they are defined.' },
    );
  }
  const others = rules.filter((r) => !mayChange(r, keys, user));
  if (others.length) {
    const owners = [...new Set(others.map((r) => r.tags[keys.owner] ?? 'unknown'))];
    throw new ForbiddenError(
      'access.not-yours',
      `${others.map((r) => `${r.ruleId} (${ruleLabel(r)})`).join(', ')} belong${others.length === 1 ? 's' : ''} to ${owners.map((o) => `<@${o}>`).join(', ')}: only the owner or an admin can close ${others.length === 1 ? 'it' : 'them'}. Nothing was closed.`,
      { hint: 'Ask the owner, or an admin, to close it; it also closes by itself when it expires.' },
    );
  }
}

export const close: CommandExecutor<'close'> = async ({ request, config, ec2, expiry, logger }) => {
  const what = request.args.rule;
  const user = request.user;
  if (SECURITY_GROUP_RULE_ID.test(what)) {
    if (request.args.target !== undefined || request.args.source !== undefined) {
      throw new InputError(
        'access.close-usage',
        'A rule id alone says which rule: leave out `on` and `from`.',
      );
    }
    for (const region of ec2.regions) {
      const client = ec2.client(region);
      const rule = await describeRule(client, what);
      if (!rule) continue;
      refuseUnlessChangeable([rule], user, config.tagPrefix);
      const result = await revokeRules(client, rule.groupId, [rule.ruleId]);
      await unscheduleExpiry(expiry, logger, {
        kind: 'rule',
        ruleId: rule.ruleId,
        groupId: rule.groupId,
        region,
      });
      const text =
        result === 'closed'
          ? `Closed ${ruleLabel(rule)} on ${rule.groupId} (${rule.ruleId}).`
          : `${rule.ruleId} (${ruleLabel(rule)} on ${rule.groupId}) was already closed.`;
      return { text, blocks: section(text) };
    }
    const text = `No rule ${what} is open in ${ec2.regions.join(', ')}: it is closed already (or never existed).`;
    return { text, blocks: section(text) };
  }

  const { ports, protocol } = requirePorts(what);
  const targetText = request.args.target;
  if (typeof targetText !== 'string') {
    throw new InputError(
      'access.close-usage',
      `Say where ${formatPorts(ports, protocol)} is open: \`on <sg-id|instance>\`.`,
      {
        hint: 'Or give the rule id: `/ec2 close sgr-…` (`/ec2 access` lists them).',
      },
    );
  }
  const target = await findTargetGroup(ec2, targetText, config);
  const sourceText = request.args.source;
  const identities =
    typeof sourceText === 'string'
      ? resolveSources(sourceText, config.access).sources.map((s) => identityOf({ ports, protocol }, s))
      : undefined;
  const rules = (await describeRules(target.client, [{ Name: 'group-id', Values: [target.groupId] }])).filter(
    (r) =>
      !r.isEgress &&
      r.protocol === protocol &&
      r.fromPort === ports.from &&
      r.toPort === ports.to &&
      (!identities || identities.some((id) => sameRule(r, id))),
  );
  const label = `${formatPorts(ports, protocol)}${typeof sourceText === 'string' ? ` from ${sourceText}` : ''}`;
  if (rules.length === 0) {
    const text = `${label} is not open on ${targetLabel(target)}: nothing to close.`;
    return { text, blocks: section(text) };
  }
  const keys = accessTagKeys(config.tagPrefix);
  const managed = rules.filter((r) => isManaged(r, keys));
  const permanent = rules.filter((r) => !isManaged(r, keys));
  // Only permanent rules match: refused, saying so. Otherwise those are left alone and named.
  refuseUnlessChangeable(managed.length ? managed : permanent, user, config.tagPrefix);
  await revokeRules(
    target.client,
    target.groupId,
    managed.map((r) => r.ruleId),
  );
  for (const r of managed) {
    await unscheduleExpiry(expiry, logger, {
      kind: 'rule',
      ruleId: r.ruleId,
      groupId: r.groupId,
      region: target.region,
    });
  }
  const left = permanent.length
    ? ` Left alone (not managed by ec2ops): ${permanent.map((r) => `${ruleLabel(r)} (${r.ruleId})`).join(', ')}.`
    : '';
  const text = `Closed ${managed.map((r) => `${ruleLabel(r)} (${r.ruleId})`).join(', ')} on ${targetLabel(target)}.${left}`;
  return { text, blocks: section(text) };
};
