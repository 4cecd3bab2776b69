import { alarmMessage, parseAlarmChange } from '@ec2ops/core/ops';
import type { JobRoot } from '../jobs/root';
import type { Notifier } from '../jobs/types';
import type { Logger } from '../telemetry/log';

export interface AlarmDeps {
  notifier: Notifier | undefined;
  /** The stage's ops channel (`slack.reportChannel`); without one, alarms are only logged. */
  channel: string | undefined;
  log: Logger;
}

interface SnsEvent {
  Records?: Array<{ Sns?: { Message?: string } }>;
}

/**
 * The alarm topic's subscriber: each alarm and each recovery, posted to the ops channel. A record
 * that is not an alarm state change is logged and skipped; a Slack failure throws, so Lambda's
 * async retries (and then its failure destination) keep the notification.
 */
export async function postAlarms(deps: AlarmDeps, event: SnsEvent): Promise<{ posted: number }> {
  let posted = 0;
  for (const record of event.Records ?? []) {
    const change = parseAlarmChange(record.Sns?.Message ?? '');
    if (!change) {
      deps.log.warn({ message: record.Sns?.Message?.slice(0, 500) }, 'not an alarm state change: skipped');
      continue;
    }
    deps.log.info({ alarm: change.name, state: change.state, since: change.since }, 'alarm');
    if (!deps.notifier || !deps.channel) continue;
    await deps.notifier.post(deps.channel, alarmMessage(change));
    posted++;
  }
  return { posted };
}

/** The subscriber over a job root (its notifier, config and log): the Lambda entry and the sandbox. */
export function alarmsHandler(root: Pick<JobRoot, 'notifier' | 'config' | 'log'>) {
  return (event: SnsEvent) =>
    postAlarms({ notifier: root.notifier, channel: root.config.slack.reportChannel, log: root.log }, event);
}
