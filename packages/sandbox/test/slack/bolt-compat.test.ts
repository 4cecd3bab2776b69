import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorMint, SlackRequestClient } from '../../src/slack/client';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

/**
 * The emulator and the signed client against the real Bolt framework ec2ops runs on: if Bolt
 * accepts the client's signatures and its `respond`/`client` calls land in the emulator, the
 * sandbox imitates Slack closely enough for the production handlers.
 */
const SECRET = 'bolt-compat-secret';
let emulator: SlackEmulator;
let app: App;
let server: Server;
let client: SlackRequestClient;
const commands: Array<{ text: string; user: string }> = [];
const submissions: unknown[] = [];

beforeAll(async () => {
  emulator = await startSlackEmulator();
  // Like Bolt on Lambda: the HTTP answer goes out only after the listener has finished.
  const receiver = new HTTPReceiver({
    signingSecret: SECRET,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
    processBeforeResponse: true,
  });
  app = new App({
    token: emulator.botToken,
    botId: 'BBOT',
    botUserId: 'UBOT',
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/ec2', async ({ command, ack, respond, client: web }) => {
    commands.push({ text: command.text, user: command.user_id });
    await ack({ response_type: 'ephemeral', text: 'on it' });
    if (command.text === 'form') {
      await web.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'launch',
          title: { type: 'plain_text', text: 'Launch' },
          submit: { type: 'plain_text', text: 'Launch' },
          blocks: [
            {
              type: 'input',
              block_id: 'name',
              label: { type: 'plain_text', text: 'Name' },
              element: { type: 'plain_text_input', action_id: 'value' },
            },
          ],
        },
      });
      return;
    }
    await respond({
      response_type: 'in_channel',
      text: 'approve?',
      blocks: [
        {
          type: 'actions',
          block_id: 'decision',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: 'req-1',
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
    });
  });
  app.action('approve', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
  });
  app.view('launch', async ({ ack, view }) => {
    submissions.push(view.state.values);
    await ack();
  });
  server = (await app.start(0)) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  client = new SlackRequestClient({ url, signingSecret: SECRET, mint: emulatorMint(emulator) });
});
afterAll(async () => {
  await app.stop();
  await emulator.close();
});

describe('the signed client and the emulator, with a real Bolt app', () => {
  it('Bolt accepts the signed slash command, and its respond() lands at the emulator’s response_url', async () => {
    const sent = await client.slashCommand('/ec2 launch web', { user: 'UOPERATOR', channel: 'C0APPROVE' });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ response_type: 'ephemeral', text: 'on it' });
    expect(commands.at(-1)).toEqual({ text: 'launch web', user: 'UOPERATOR' });
    const posted = emulator.workspace.messages('C0APPROVE').at(-1);
    expect(posted).toMatchObject({ text: 'approve?', responseUrlId: sent.responseUrl?.id });
  });

  it('a click on the posted button reaches Bolt’s action listener, whose reply replaces the message', async () => {
    const message = emulator.workspace.messages('C0APPROVE').at(-1);
    if (!message) throw new Error('no message to click');
    const clicked = await client.blockAction(
      { message: { ...message, ephemeral: false }, actionId: 'approve' },
      { user: 'UADMIN', channel: 'C0APPROVE' },
    );
    expect(clicked.status).toBe(200);
    expect(emulator.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)?.text).toBe(
      'approved by <@UADMIN>',
    );
  });

  it('views.open through Bolt’s client uses the trigger_id the client minted; the submission comes back', async () => {
    await client.slashCommand('/ec2 form', { user: 'UADMIN' });
    const view = emulator.workspace.views({ user: 'UADMIN' }).at(-1);
    expect(view?.view['callback_id']).toBe('launch');
    const submitted = await client.viewSubmission(
      {
        id: view?.id as string,
        callback_id: 'launch',
        values: { name: { value: { type: 'plain_text_input', value: 'web-1' } } },
      },
      { user: 'UADMIN' },
    );
    expect(submitted.status).toBe(200);
    expect(submissions.at(-1)).toEqual({ name: { value: { type: 'plain_text_input', value: 'web-1' } } });
  });

  it('Bolt refuses what the tamper options break', async () => {
    const statuses = await Promise.all([
      client.slashCommand('/ec2 x', { tamper: { secret: 'wrong' } }),
      client.slashCommand('/ec2 x', { tamper: { skewSeconds: -301 } }),
      client.slashCommand('/ec2 x', { tamper: { body: (b) => `${b}&extra=1` } }),
      client.slashCommand('/ec2 x', { tamper: { signature: null } }),
    ]);
    expect(statuses.map((s) => s.status)).toEqual([401, 401, 401, 401]);
    expect(commands.some((c) => c.text === 'x')).toBe(false);
  });
});
