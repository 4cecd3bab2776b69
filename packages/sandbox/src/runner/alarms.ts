import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../slack/http';

type Invoke = (event: unknown) => Promise<unknown>;

const REASON = 'Test alarm fired from the sandbox (/_emulator/alarm).';

/**
 * The sandbox's alarm path: what CloudWatch would publish to the stage's alarm topic, delivered to
 * the real alarms-to-Slack handler, which posts into the sandbox's ops channel.
 * `POST /_emulator/alarm {"state":"ALARM"|"OK","name"?,"description"?}` fires a test alarm.
 */
export function alarmNotification(input: { state: string; name: string; description: string; at: Date }) {
  return {
    Records: [
      {
        Sns: {
          Message: JSON.stringify({
            AlarmName: input.name,
            AlarmDescription: input.description,
            NewStateValue: input.state,
            OldStateValue: input.state === 'OK' ? 'ALARM' : 'OK',
            NewStateReason: REASON,
            StateChangeTime: input.at.toISOString(),
            AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${input.name}`,
          }),
        },
      },
    ],
  };
}

/** What a fired test alarm changes besides the channel: the sandbox's alarm store, which `/ec2 status` reads. */
export type AlarmRecorder = (alarm: {
  name: string;
  state: 'ALARM' | 'OK';
  description: string;
  reason: string;
  at: number;
}) => void;

export function alarmRoute(
  invoke: () => Invoke,
  now: () => number,
  record: AlarmRecorder = () => {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/_emulator/alarm' || req.method !== 'POST') return false;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      sendJson(res, 400, { error: 'bad-json', message: 'The body must be JSON: {"state":"ALARM"|"OK"}.' });
      return true;
    }
    const state = body['state'] ?? 'ALARM';
    if (state !== 'ALARM' && state !== 'OK') {
      sendJson(res, 400, { error: 'bad-state', message: 'state is ALARM or OK.' });
      return true;
    }
    const text = (key: string, fallback: string) =>
      typeof body[key] === 'string' && body[key] ? (body[key] as string).slice(0, 255) : fallback;
    const name = text('name', 'ec2ops-sandbox-TestAlarm');
    const description = text(
      'description',
      'A test alarm: nothing is wrong; this checks alarms reach Slack.',
    );
    const at = now();
    // CloudWatch changes the alarm's state, then notifies the topic: the store first, as there.
    record({ name, state, description, reason: REASON, at });
    const result = await invoke()(alarmNotification({ state, name, description, at: new Date(at) }));
    sendJson(res, 200, { ok: true, result });
    return true;
  };
}
