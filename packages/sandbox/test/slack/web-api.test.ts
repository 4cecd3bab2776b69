import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET_SLACK_LOGGER } from '../../../../test/slack/quiet-slack-logger';
import { OffsetClock } from '../../src/slack/clock';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

let emulator: SlackEmulator;
let clock: OffsetClock;
let slack: WebClient;

// The client logs every refusal; these tests expect refusals (QUIET_SLACK_LOGGER).

beforeAll(async () => {
  // Slack's time stands still unless a test moves it, so "just under 3 seconds" stays just under
  // however long a busy machine takes between two calls.
  const startedAt = Date.now();
  clock = new OffsetClock(() => startedAt);
  emulator = await startSlackEmulator({ clock });
  // Exactly how production code reaches the emulator: only slackApiUrl differs.
  slack = new WebClient(emulator.botToken, {
    slackApiUrl: `${emulator.url}/api/`,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    logger: QUIET_SLACK_LOGGER,
  });
});
afterAll(() => emulator.close());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

async function platformError(call: Promise<unknown>): Promise<{ error: string; messages?: string[] }> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { error: string; response_metadata?: { messages?: string[] } } }).data;
    if (data)
      return {
        error: data.error,
        ...(data.response_metadata?.messages ? { messages: data.response_metadata.messages } : {}),
      };
    throw error;
  }
  throw new Error('expected the call to be refused');
}

async function rawCall(method: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(`${emulator.apiUrl}${method}`, { method: 'POST', ...init });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('Slack Web API emulator, through the real @slack/web-api WebClient', () => {
  it('answers auth.test as the sandbox bot', async () => {
    const auth = await slack.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0SANDBOX' });
  });

  it('posts a message with blocks and records it in the channel with a ts', async () => {
    const blocks = [section('*hello*'), { type: 'divider' }];
    const posted = await slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'hello', blocks });
    expect(posted.ok).toBe(true);
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const recorded = emulator.workspace.messages('C0EC2OPS').find((m) => m.ts === posted.ts);
    expect(recorded).toMatchObject({
      text: 'hello',
      blocks,
      user: 'UBOT',
      botId: 'BBOT',
      via: 'chat.postMessage',
    });
  });

  it('resolves #channel names and records thread replies against their parent', async () => {
    const parent = await slack.chat.postMessage({ channel: '#ec2ops-approvals', text: 'approve?' });
    expect(parent.channel).toBe('C0APPROVE');
    await slack.chat.postMessage({ channel: 'C0APPROVE', text: 'approved', thread_ts: parent.ts as string });
    const thread = emulator.workspace.thread('C0APPROVE', parent.ts as string);
    expect(thread.map((m) => m.text)).toEqual(['approve?', 'approved']);
    expect(thread[0]?.replyCount).toBe(1);
  });

  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const body = await rawCall('chat.postMessage', {
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-sandbox' },
      body: JSON.stringify({ channel: 'C0AUDIT', text: 'audit line', blocks: [section('audit')] }),
    });
    expect(body).toMatchObject({ ok: true, channel: 'C0AUDIT' });
  });

  it('accepts the token as a form parameter', async () => {
    const body = await rawCall('auth.test', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=xoxb-sandbox',
    });
    expect(body).toMatchObject({ ok: true, user_id: 'UBOT' });
  });

  it('refuses a call without a token with not_authed', async () => {
    const body = await rawCall('chat.postMessage', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C0EC2OPS&text=hi',
    });
    expect(body).toEqual({ ok: false, error: 'not_authed' });
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const wrong = new WebClient('xoxb-wrong', {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
      logger: QUIET_SLACK_LOGGER,
    });
    expect(await platformError(wrong.auth.test())).toEqual({ error: 'invalid_auth' });
  });

  it('refuses an unknown channel with channel_not_found', async () => {
    expect(await platformError(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toEqual({
      error: 'channel_not_found',
    });
  });

  it('refuses a message with neither text nor blocks with no_text', async () => {
    expect(await platformError(slack.chat.postMessage({ channel: 'C0EC2OPS', text: '' }))).toEqual({
      error: 'no_text',
    });
  });

  it('refuses more than 50 blocks with invalid_blocks', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const refused = await platformError(slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'x', blocks }));
    expect(refused.error).toBe('invalid_blocks');
    expect(refused.messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
    const fifty = blocks.slice(0, 50);
    expect((await slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'x', blocks: fifty })).ok).toBe(true);
  });

  it('refuses a section text over 3,000 characters and accepts exactly 3,000', async () => {
    const refused = await platformError(
      slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'x', blocks: [section('a'.repeat(3001))] }),
    );
    expect(refused).toEqual({
      error: 'invalid_blocks',
      messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
    const ok = await slack.chat.postMessage({
      channel: 'C0EC2OPS',
      text: 'x',
      blocks: [section('a'.repeat(3000))],
    });
    expect(ok.ok).toBe(true);
  });

  it('refuses a header over 150 characters, more than 10 fields, and buttons over 75 characters', async () => {
    const header = { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } };
    const fields = {
      type: 'section',
      fields: Array.from({ length: 11 }, (_, i) => ({ type: 'mrkdwn', text: `f${i}` })),
    };
    const actions = {
      type: 'actions',
      elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
    };
    const refused = await platformError(
      slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'x', blocks: [header, fields, actions] }),
    );
    expect(refused.error).toBe('invalid_blocks');
    expect(refused.messages).toEqual([
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/1/fields]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/2/elements/0/text/text]',
    ]);
  });

  it('refuses duplicate block ids and unknown block types', async () => {
    const blocks = [
      { ...section('a'), block_id: 'same' },
      { ...section('b'), block_id: 'same' },
      { type: 'carousel' },
    ];
    const refused = await platformError(slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'x', blocks }));
    expect(refused.error).toBe('invalid_blocks');
    expect(refused.messages).toHaveLength(2);
  });

  it('answers invalid_blocks_format when blocks are not JSON', async () => {
    const body = await rawCall('chat.postMessage', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-sandbox' },
      body: 'channel=C0EC2OPS&text=x&blocks=%5Bnot-json',
    });
    expect(body).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  it('updates a message in place with chat.update', async () => {
    const posted = await slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'launching…' });
    const updated = await slack.chat.update({
      channel: 'C0EC2OPS',
      ts: posted.ts as string,
      text: 'running',
    });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'running' });
    const recorded = emulator.workspace.messages('C0EC2OPS').find((m) => m.ts === posted.ts);
    expect(recorded?.text).toBe('running');
    expect(recorded?.editedTs).toBeDefined();
  });

  it('refuses chat.update of an unknown ts with message_not_found', async () => {
    expect(
      await platformError(slack.chat.update({ channel: 'C0EC2OPS', ts: '1.000001', text: 'x' })),
    ).toEqual({
      error: 'message_not_found',
    });
  });

  it('deletes a message with chat.delete, once', async () => {
    const posted = await slack.chat.postMessage({ channel: 'C0EC2OPS', text: 'temporary' });
    expect((await slack.chat.delete({ channel: 'C0EC2OPS', ts: posted.ts as string })).ok).toBe(true);
    expect(emulator.workspace.messages('C0EC2OPS').some((m) => m.ts === posted.ts)).toBe(false);
    expect(await platformError(slack.chat.delete({ channel: 'C0EC2OPS', ts: posted.ts as string }))).toEqual({
      error: 'message_not_found',
    });
  });

  it('records ephemeral messages per user', async () => {
    const res = await slack.chat.postEphemeral({ channel: 'C0EC2OPS', user: 'UVIEWER', text: 'only you' });
    expect(res.message_ts).toBeDefined();
    expect(emulator.workspace.ephemerals({ user: 'UVIEWER' }).map((m) => m.text)).toContain('only you');
    expect(emulator.workspace.ephemerals({ user: 'UADMIN' }).map((m) => m.text)).not.toContain('only you');
  });

  it('opens a DM channel for a user with conversations.open, the same id every time', async () => {
    const first = await slack.conversations.open({ users: 'UADMIN' });
    const second = await slack.conversations.open({ users: 'UADMIN' });
    expect(first.channel?.id).toMatch(/^D[A-Z0-9]+$/);
    expect(second.channel?.id).toBe(first.channel?.id);
    await slack.chat.postMessage({ channel: first.channel?.id as string, text: 'your request failed' });
    expect(emulator.workspace.messages(first.channel?.id as string).map((m) => m.text)).toEqual([
      'your request failed',
    ]);
    expect(await platformError(slack.conversations.open({ users: 'UNOBODY' }))).toEqual({
      error: 'user_not_found',
    });
  });

  it('reads a user’s DM by user id without opening one', async () => {
    expect(emulator.workspace.messages('UVIEWER')).toEqual([]);
    expect(emulator.workspace.dms().some((d) => d.user === 'UVIEWER')).toBe(false);
    await slack.chat.postMessage({ channel: 'UVIEWER', text: 'hello in your DM' });
    expect(emulator.workspace.messages('UVIEWER').map((m) => m.text)).toEqual(['hello in your DM']);
  });

  it('lists user-group members and refuses unknown groups', async () => {
    const res = await slack.usergroups.users.list({ usergroup: 'SPLATFORM' });
    expect(res.users).toEqual(['UADMIN', 'UOPERATOR']);
    expect(await platformError(slack.usergroups.users.list({ usergroup: 'SNOPE' }))).toEqual({
      error: 'no_such_subteam',
    });
  });

  it('answers unknown methods with unknown_method', async () => {
    const body = await rawCall('files.upload', {
      headers: { authorization: 'Bearer xoxb-sandbox' },
      body: '',
    });
    expect(body).toEqual({ ok: false, error: 'unknown_method' });
  });
});

describe('views.open and its trigger_id', () => {
  const modal = {
    type: 'modal' as const,
    callback_id: 'launch',
    title: { type: 'plain_text' as const, text: 'Launch' },
    blocks: [section('pick an image')],
  };

  it('opens a modal for the user the trigger belongs to', async () => {
    const trigger = emulator.mintTriggerId('UOPERATOR');
    const res = await slack.views.open({ trigger_id: trigger, view: modal });
    expect(res.view?.id).toMatch(/^V/);
    expect(emulator.workspace.views({ user: 'UOPERATOR' }).map((v) => v.id)).toContain(res.view?.id);
  });

  it('refuses a trigger_id older than 3 seconds with expired_trigger_id', async () => {
    const trigger = emulator.mintTriggerId('UOPERATOR');
    clock.advance(3_001);
    expect(await platformError(slack.views.open({ trigger_id: trigger, view: modal }))).toEqual({
      error: 'expired_trigger_id',
    });
  });

  it('accepts a trigger_id just under 3 seconds old, once', async () => {
    const trigger = emulator.mintTriggerId('UADMIN');
    clock.advance(2_900);
    expect((await slack.views.open({ trigger_id: trigger, view: modal })).ok).toBe(true);
    expect(await platformError(slack.views.open({ trigger_id: trigger, view: modal }))).toEqual({
      error: 'exchanged_trigger_id',
    });
  });

  it('refuses a trigger_id it never issued', async () => {
    expect(await platformError(slack.views.open({ trigger_id: '123.456.abc', view: modal }))).toEqual({
      error: 'expired_trigger_id',
    });
  });

  it('updates an opened view and refuses a stale hash', async () => {
    const opened = await slack.views.open({ trigger_id: emulator.mintTriggerId('UADMIN'), view: modal });
    const id = opened.view?.id as string;
    const updated = await slack.views.update({ view_id: id, view: { ...modal, blocks: [section('done')] } });
    expect(updated.view?.blocks).toEqual([section('done')]);
    expect(
      await platformError(
        slack.views.update({ view_id: id, hash: opened.view?.hash as string, view: modal }),
      ),
    ).toEqual({ error: 'hash_conflict' });
  });

  it('refuses a modal title over 24 characters', async () => {
    const view = { ...modal, title: { type: 'plain_text' as const, text: 't'.repeat(25) } };
    const refused = await platformError(
      slack.views.open({ trigger_id: emulator.mintTriggerId('UADMIN'), view }),
    );
    expect(refused.error).toBe('invalid_arguments');
  });
});
