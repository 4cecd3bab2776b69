import { comparePlaces, placeLabel } from '../config/fleet';
import { context, type Message, section } from '../slack/blocks';
import { escapeMrkdwn, userMention } from '../slack/escape';
import { pagedRows, type RowPaging } from '../slack/row-pages';
import { parseInstant } from '../time/instant';
import { timeLeft } from './messages';
import { type InstanceTagKeys, type InstanceView, isKept } from './tags';

/** An instance as a spanning list shows it: with its member account's alias (none in the hub's). */
export type ListedInstance = InstanceView & { account?: string | undefined };

/**
 * A name read back from a tag, as bold text: escaped, and its asterisks made look-alikes (U+2217)
 * so a Name such as `*urgent*` cannot end the bold span or start another.
 */
export function boldName(name: string): string {
  return `*${escapeMrkdwn(name).replace(/\*/g, '\u2217')}*`;
}

/** `/ec2 list`: one block per instance, paged 25 rows at most (issue 15: every account and region). */
export function renderInstanceList(
  instances: readonly ListedInstance[],
  input: {
    scope: 'mine' | 'all';
    state?: string | undefined;
    nowMs: number;
    keys: InstanceTagKeys;
    /** How many places were read: one shows no place on the rows. */
    regions: number;
    paging?: RowPaging;
  },
): Message {
  const { keys, nowMs } = input;
  const what = `${input.scope === 'mine' ? 'Your' : 'Managed'} instances${input.state ? ` (${input.state})` : ''}`;
  if (instances.length === 0) {
    const text = `${what}: none.`;
    const hint =
      input.scope === 'mine'
        ? '`/ec2 list all` shows everyone’s; `/ec2 launch` starts one.'
        : '`/ec2 launch` starts one.';
    return { text, blocks: pagedRows([...section(text), ...context(hint)], [], input.paging) };
  }
  // Soonest expiry first; kept instances and those without a readable expiry last.
  const expiry = (i: InstanceView) =>
    isKept(i.tags, keys)
      ? Number.POSITIVE_INFINITY
      : (parseInstant(i.tags[keys.expiresAt]) ?? Number.POSITIVE_INFINITY);
  const sorted = [...instances].sort(
    (a, b) => expiry(a) - expiry(b) || comparePlaces(a, b) || a.id.localeCompare(b.id),
  );
  const rows = sorted.map((i) => {
    const alias = i.tags[keys.imageAlias];
    const owner = i.tags[keys.owner];
    const ips = [i.privateIp ?? '–', i.publicIp].filter(Boolean).join(' / ');
    const left = isKept(i.tags, keys) ? 'kept (keep=true)' : timeLeft(i.tags[keys.expiresAt], nowMs);
    const where = input.regions > 1 || i.account !== undefined ? ` · ${placeLabel(i)}` : '';
    return section(
      `${boldName(i.tags['Name'] ?? '(no name)')} \`${i.id}\` — *${i.state}* · ${i.type ?? '?'} · ${alias ? `${escapeMrkdwn(alias)} ` : ''}${i.imageId ?? ''} · ${owner ? userMention(owner) : 'no owner'} · ${ips} · ${left}${where}`,
    );
  });
  const text = `${what}: ${instances.length}.`;
  return { text, blocks: pagedRows(section(`*${text}*`), rows, input.paging) };
}
