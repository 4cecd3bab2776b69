import { context, type Message, section } from '../slack/blocks';
import { escapeMrkdwn, userMention } from '../slack/escape';
import { parseInstant } from '../time/instant';
import { timeLeft } from './messages';
import { type InstanceTagKeys, type InstanceView, isKept } from './tags';

/** `/ec2 list`: one block per instance, so the worker's pager splits long lists cleanly. */
export function renderInstanceList(
  instances: readonly InstanceView[],
  input: {
    scope: 'mine' | 'all';
    state?: string | undefined;
    nowMs: number;
    keys: InstanceTagKeys;
    regions: number;
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
    return { text, blocks: [...section(text), ...context(hint)] };
  }
  // Soonest expiry first; kept instances and those without a readable expiry last.
  const expiry = (i: InstanceView) =>
    isKept(i.tags, keys)
      ? Number.POSITIVE_INFINITY
      : (parseInstant(i.tags[keys.expiresAt]) ?? Number.POSITIVE_INFINITY);
  const sorted = [...instances].sort((a, b) => expiry(a) - expiry(b) || a.id.localeCompare(b.id));
  const blocks = sorted.flatMap((i) => {
    const alias = i.tags[keys.imageAlias];
    const owner = i.tags[keys.owner];
    const ips = [i.privateIp ?? '–', i.publicIp].filter(Boolean).join(' / ');
    const left = isKept(i.tags, keys) ? 'kept (keep=true)' : timeLeft(i.tags[keys.expiresAt], nowMs);
    const where = input.regions > 1 ? ` · ${i.region}` : '';
    return section(
      `*${escapeMrkdwn(i.tags['Name'] ?? '(no name)')}* \`${i.id}\` — *${i.state}* · ${i.type ?? '?'} · ${alias ? `${escapeMrkdwn(alias)} ` : ''}${i.imageId ?? ''} · ${owner ? userMention(owner) : 'no owner'} · ${ips} · ${left}${where}`,
    );
  });
  const text = `${what}: ${instances.length}.`;
  return { text, blocks: [...section(`*${text}*`), ...blocks] };
}
