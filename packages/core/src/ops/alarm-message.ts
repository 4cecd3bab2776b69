import { type Block, context, type Message, section } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';

/**
 * A CloudWatch alarm state change, as SNS delivers it to a subscribed function (the JSON in
 * `Records[].Sns.Message`), turned into the message the stage's ops channel reads: what, since
 * when, the runbook line (the alarm's description), and a link to the alarm in the console.
 * Every field comes from AWS or from infra, but is escaped anyway: an alarm name or reason may
 * carry text someone typed (a tag, a queue name), and nothing may ping a channel.
 */
export interface AlarmChange {
  name: string;
  description: string | undefined;
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  previous: string | undefined;
  reason: string;
  /** ISO-8601, when the state changed. */
  since: string;
  region: string | undefined;
}

const STATES = new Set(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

/** Reads an SNS alarm notification; undefined for anything else (test messages, subscriptions). */
export function parseAlarmChange(text: string): AlarmChange | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (key: string) => (typeof raw?.[key] === 'string' ? (raw[key] as string) : undefined);
  const name = str('AlarmName');
  const state = str('NewStateValue');
  if (!name || !state || !STATES.has(state)) return undefined;
  return {
    name,
    description: str('AlarmDescription'),
    state: state as AlarmChange['state'],
    previous: str('OldStateValue'),
    reason: str('NewStateReason') ?? '',
    since: str('StateChangeTime') ?? '',
    region: regionCode(str('AlarmArn')) ?? regionCode(str('Region')),
  };
}

/** `arn:aws:cloudwatch:eu-west-1:…` → eu-west-1; a bare region code as is. */
function regionCode(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const fromArn = /^arn:aws[\w-]*:cloudwatch:([a-z0-9-]+):/.exec(value)?.[1];
  if (fromArn) return fromArn;
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(value) ? value : undefined;
}

/** The console page of one alarm (its history and graph; its logs are linked from there). */
export function alarmUrl(change: Pick<AlarmChange, 'name' | 'region'>): string | undefined {
  if (!change.region) return undefined;
  const r = change.region;
  return `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}#alarmsV2:alarm/${encodeURIComponent(change.name)}`;
}

export function alarmMessage(change: AlarmChange): Message {
  const name = escapeMrkdwn(change.name);
  const headline =
    change.state === 'ALARM'
      ? `:rotating_light: *${name}* is in ALARM since ${escapeMrkdwn(change.since)}`
      : change.state === 'OK'
        ? `:white_check_mark: *${name}* recovered (OK) at ${escapeMrkdwn(change.since)}${change.previous ? `, was ${escapeMrkdwn(change.previous)}` : ''}`
        : `:grey_question: *${name}* has insufficient data since ${escapeMrkdwn(change.since)}`;
  const url = alarmUrl(change);
  const blocks: Block[] = [
    ...section(headline),
    ...(change.description ? section(`*Runbook:* ${escapeMrkdwn(change.description)}`) : []),
    ...context(
      [escapeMrkdwn(change.reason), ...(url ? [`<${url}|alarm and logs in CloudWatch>`] : [])]
        .filter(Boolean)
        .join(' · '),
    ),
  ];
  const text =
    change.state === 'OK'
      ? `${change.name} recovered (OK) at ${change.since}`
      : `${change.name} is ${change.state} since ${change.since}`;
  return { text: escapeMrkdwn(text), blocks };
}
