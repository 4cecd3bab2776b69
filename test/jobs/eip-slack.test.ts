import { runJob } from '@ec2ops/functions/jobs/registry';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { ago, allocateAddress, DAY, type EipWorld, NOW, stageConfig, startWorld } from './eip-fixtures';

const M = { 'ec2ops:managed': 'true' };

let world: EipWorld | undefined;
let slack: SlackEmulator | undefined;
afterEach(async () => {
  await world?.close();
  await slack?.close();
  world = undefined;
  slack = undefined;
});

describe('eip-cleanup reporting through the Slack Web API (Slack emulator)', () => {
  it('posts a Block Kit report Slack accepts to the report channel and DMs the owner', async () => {
    world = await startWorld();
    slack = await startSlackEmulator({ port: 0 });
    const ec2 = world.ec2('us-east-1');
    // enough addresses that the report has to summarise (60 released + 1 warned, 15 shown)
    for (let i = 0; i < 60; i += 1)
      await allocateAddress(ec2, `old-${i}`, { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
    await allocateAddress(ec2, 'soon', {
      ...M,
      'ec2ops:owner': 'UADMIN',
      'ec2ops:idle-since': ago(6.5 * DAY),
    });
    const notifier = createSlackNotifier(slackWebClient(slack.botToken, slack.apiUrl));

    const report = await runJob('eip-cleanup', {
      ec2: world.as('eip-cleanup'),
      notifier,
      config: stageConfig({ slack: { reportChannel: 'C0EC2OPS' } }),
      now: NOW,
      dryRun: false,
      // The emulator does not throttle here: 61 releases need not wait for EC2's 5 a second.
      pacing: { burst: 1000, perSecond: 1000 },
    });

    expect(report.counts.failed).toBe(0);
    const posted = slack.workspace.messages('C0EC2OPS');
    expect(posted).toHaveLength(1);
    const text = JSON.stringify(posted[0]);
    expect(text).toContain('released 60');
    expect(text).toContain('…and 46 more done');
    expect(text).toContain('$219.00/month');
    const dm = slack.workspace.dms().find((d) => d.user === 'UADMIN');
    expect(dm).toBeDefined();
    const dmText = JSON.stringify(slack.workspace.messages(dm!.channel));
    expect(dmText).toContain('will be released at 2026-11-24T03:00:00.000Z');
  });
});
