import { comparePlaces, placeArgs, placeLabel, type RowPlace } from '../config/fleet';
import { actionId } from '../slack/actions';
import { actions, type Block, button, confirmDialog, context, type Message, section } from '../slack/blocks';
import { escapeMrkdwn, userMention } from '../slack/escape';
import { pagedRows, type RowPaging } from '../slack/row-pages';
import { formatDuration } from '../time/durations';
import { type AccessRule, type AccessTagKeys, expiresAtMs, ruleLabel, shortInstant } from './rules';

/** Messages of the access commands: the `/ec2 access` list and the buttons every rule carries. */
export interface ListedRule {
  /** The member account's alias (absent in the hub's own account). */
  account?: string | undefined;
  region: string;
  rule: AccessRule;
  groupName?: string | undefined;
}

/**
 * Extend and Close now, as `run` buttons: the clicker runs them with their own role, in the
 * rule's account and region when it lives in a member account (`place`), checked there again.
 */
export function ruleButtons(ruleId: string, extendBy: string, label: string, place?: RowPlace): Block[] {
  const where = place ? placeArgs(place) : '';
  return actions([
    button(`Extend ${extendBy}`, actionId('run', `extend-${ruleId}`), {
      value: `access extend ${ruleId} for ${extendBy}${where}`,
    }),
    button('Close now', actionId('run', `close-${ruleId}`), {
      value: `close ${ruleId}${where}`,
      style: 'danger',
      confirm: confirmDialog('Close this port?', `Close ${label} now?`, 'Close', 'Cancel', true),
    }),
  ]);
}

export function timeLeft(expiresAt: number | undefined, nowMs: number): string {
  if (expiresAt === undefined) return 'no expiry tag';
  const left = expiresAt - nowMs;
  return left > 0
    ? `closes in ${formatDuration(left)} (${shortInstant(expiresAt)})`
    : `expired ${shortInstant(expiresAt)}, closing within a minute`;
}

export function renderAccessList(
  rows: readonly ListedRule[],
  input: {
    scope: 'mine' | 'all';
    userId: string;
    nowMs: number;
    keys: AccessTagKeys;
    extendBy: string;
    /** The page shown, the places that could not be read, and page buttons. */
    paging?: RowPaging;
  },
): Message {
  const { keys, nowMs } = input;
  const whose = input.scope === 'mine' ? 'Your' : 'All';
  if (rows.length === 0) {
    const text =
      input.scope === 'mine'
        ? 'You have no temporary port rules open. `/ec2 access all` shows everyone’s.'
        : 'No temporary port rules are open.';
    return { text, blocks: pagedRows(section(text), [], input.paging) };
  }
  const sorted = [...rows].sort(
    (a, b) =>
      (expiresAtMs(a.rule, keys) ?? 0) - (expiresAtMs(b.rule, keys) ?? 0) ||
      comparePlaces(a, b) ||
      a.rule.ruleId.localeCompare(b.rule.ruleId),
  );
  const blocks: Block[][] = [];
  const lines: string[] = [`${whose} temporary port rules (${rows.length}):`];
  for (const row of sorted) {
    const { rule, groupName } = row;
    const region = placeLabel(row);
    const label = ruleLabel(rule);
    const group = groupName ? `${rule.groupId} (${escapeMrkdwn(groupName)})` : rule.groupId;
    const owner = rule.tags[keys.owner];
    const typed = rule.tags[keys.reason];
    const reason = typed === undefined ? undefined : escapeMrkdwn(typed);
    const left = timeLeft(expiresAtMs(rule, keys), nowMs);
    const who = owner ? userMention(owner) : 'unknown owner';
    lines.push(
      `${rule.ruleId}: ${label} on ${group} in ${region}, ${who}${reason ? `, "${reason}"` : ''}, ${left}`,
    );
    blocks.push([
      ...section(`*${label}* on ${group} · ${region}\n${who}${reason ? ` · _${reason}_` : ''} · ${left}`),
      ...context(`\`${rule.ruleId}\``),
      ...ruleButtons(rule.ruleId, input.extendBy, `${label} on ${rule.groupId}`, row),
    ]);
  }
  return {
    text: lines.join('\n'),
    blocks: pagedRows(section(`*${whose} temporary port rules* (${rows.length})`), blocks, input.paging),
  };
}
