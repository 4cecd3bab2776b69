import { actionId } from '../slack/actions';
import { actions, button, context, type Message, section } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { formatDuration } from '../time/durations';
import { parseInstant } from '../time/instant';
import type { InstanceView } from './tags';

/** What `/ec2 launch` answers: first when EC2 accepted it, again when it runs (or did not start). */
export type LaunchStatus = 'launching' | 'running' | 'still-pending' | 'failed' | 'already';

export interface LaunchSummary {
  status: LaunchStatus;
  region: string;
  instances: InstanceView[];
  image: { id: string; name?: string | undefined; alias?: string | undefined };
  type: string;
  expiresAt: string;
  requestId: string;
}

const HEADLINE: Record<LaunchStatus, (n: string) => string> = {
  launching: (n) => `:hourglass_flowing_sand: Launching ${n}`,
  running: (n) => `:white_check_mark: ${n} running`,
  'still-pending': (n) => `:hourglass_flowing_sand: ${n} still starting`,
  failed: (n) => `:x: ${n} did not start`,
  already: (n) => `Already launched for this request (nothing new was launched): ${n}`,
};

export function launchMessage(summary: LaunchSummary): Message {
  const { instances } = summary;
  const noun = instances.length === 1 ? `instance ${instances[0]!.id}` : `${instances.length} instances`;
  const image = `${summary.image.alias ? `${summary.image.alias} → ` : ''}${summary.image.id}${summary.image.name ? ` (${escapeMrkdwn(summary.image.name)})` : ''}`;
  const lines = instances.map((i) => {
    const ips = [
      i.privateIp ? `private ${i.privateIp}` : 'no private IP yet',
      i.publicIp ? `public ${i.publicIp}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const why =
      i.stateReason && (i.state === 'terminated' || i.state === 'shutting-down')
        ? ` — ${escapeMrkdwn(i.stateReason)}`
        : '';
    return `• \`${i.id}\` ${escapeMrkdwn(i.tags['Name'] ?? '')} — *${i.state}*, ${ips}, subnet ${i.subnetId ?? '?'}${why}`;
  });
  const headline = `${HEADLINE[summary.status](noun)}: ${summary.type} from ${image} in ${summary.region}.`;
  const footer: string[] = [`Expires ${summary.expiresAt} (UTC). Request ${summary.requestId}.`];
  if (summary.status === 'launching') footer.unshift('This message is updated when it is running.');
  if (summary.status === 'still-pending') footer.unshift('`/ec2 list mine` shows when it is running.');
  const ids = instances.map((i) => i.id);
  const buttons =
    summary.status === 'running' || summary.status === 'already'
      ? actions(
          ids
            .slice(0, 1)
            .flatMap((id) => [
              button('Extend 2h', actionId('run', `extend-${id}`), { value: `extend ${id} 2h` }),
              button('Stop', actionId('run', `stop-${id}`), { value: `stop ${id}` }),
            ]),
        )
      : [];
  const text = `${headline}\n${lines.join('\n')}`;
  return {
    text,
    blocks: [...section(text), ...buttons, ...context(...footer)],
    ...(summary.status === 'launching' ? {} : { replace_original: true }),
  };
}

/** "in 3h 20m", "expired 10m ago", "no expiry". */
export function timeLeft(expiresAt: string | undefined, nowMs: number): string {
  const at = parseInstant(expiresAt);
  if (at === undefined) return 'no expiry';
  const left = at - nowMs;
  return left >= 0 ? `${formatDuration(left)} left` : `expired ${formatDuration(-left)} ago`;
}
