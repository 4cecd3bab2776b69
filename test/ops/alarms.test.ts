import { alarmMessage, parseAlarmChange } from '@ec2ops/core/ops';
import { postAlarms } from '@ec2ops/functions/ops/alarms';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Alarms in the ops channel: the alarm topic's subscriber turns CloudWatch's SNS notifications
 * into readable messages, through the real Web API client against the Slack emulator.
 */
const CHANNEL = 'C0EC2OPS';
let slack: SlackEmulator;

beforeAll(async () => {
  slack = await startSlackEmulator({ port: 0 });
});
afterAll(async () => {
  await slack?.close();
});

/** What CloudWatch publishes to SNS on a state change (the fields ec2ops reads). */
function notification(state: 'ALARM' | 'OK', more: Record<string, string> = {}) {
  return {
    Records: [
      {
        Sns: {
          Message: JSON.stringify({
            AlarmName: 'ec2ops-prod-OldestCommandAge',
            AlarmDescription: 'Commands wait in the queue: check the worker subscription and its errors',
            AWSAccountId: '123456789012',
            NewStateValue: state,
            OldStateValue: state === 'OK' ? 'ALARM' : 'OK',
            NewStateReason: 'Threshold Crossed: 1 datapoint [412.0] was greater than the threshold (120.0).',
            StateChangeTime: state === 'OK' ? '2026-12-02T03:20:00.000+0000' : '2026-12-02T03:05:00.000+0000',
            AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ec2ops-prod-OldestCommandAge',
            ...more,
          }),
        },
      },
    ],
  };
}

const posted = () =>
  slack.workspace.messages(CHANNEL).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`);

describe('alarms in the ops channel', () => {
  const deps = () => ({
    notifier: createSlackNotifier(slackWebClient(slack.botToken, slack.apiUrl)),
    channel: CHANNEL,
    log: pino({ level: 'silent' }),
  });

  it('posts an alarm with what, since when, the runbook line and a link, then its recovery', async () => {
    const before = posted().length;
    expect(await postAlarms(deps(), notification('ALARM'))).toEqual({ posted: 1 });
    expect(await postAlarms(deps(), notification('OK'))).toEqual({ posted: 1 });
    const [alarm, recovery] = posted().slice(before);
    expect(alarm).toContain('ec2ops-prod-OldestCommandAge is ALARM since 2026-12-02T03:05:00.000+0000');
    expect(alarm).toContain('*Runbook:* Commands wait in the queue');
    expect(alarm).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/ec2ops-prod-OldestCommandAge',
    );
    expect(recovery).toContain('ec2ops-prod-OldestCommandAge recovered (OK) at 2026-12-02T03:20:00.000+0000');
  });

  it('escapes what it quotes, so an alarm can never ping the channel', () => {
    const change = parseAlarmChange(
      notification('ALARM', { AlarmDescription: 'see <!channel> & <@U123>' }).Records[0]!.Sns.Message,
    )!;
    const text = JSON.stringify(alarmMessage(change));
    expect(text).toContain('see &lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('skips what is not an alarm state change, and posts nothing', async () => {
    const before = posted().length;
    const junk = { Records: [{ Sns: { Message: 'not json' } }, { Sns: { Message: '{"AlarmName":"x"}' } }] };
    expect(await postAlarms(deps(), junk)).toEqual({ posted: 0 });
    expect(posted().length).toBe(before);
  });
});
