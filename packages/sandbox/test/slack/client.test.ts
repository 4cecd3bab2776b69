import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorMint, remoteMint, SlackRequestClient } from '../../src/slack/client';
import { OffsetClock } from '../../src/slack/clock';
import { DEV_SIGNING_SECRET } from '../../src/slack/dev-secret';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}

const SECRET = 'test-signing-secret';
let app: Server;
let appUrl: string;
let captured: Captured[] = [];
let emulator: SlackEmulator;
let clock: OffsetClock;
let client: SlackRequestClient;

beforeAll(async () => {
  clock = new OffsetClock();
  emulator = await startSlackEmulator({ clock });
  // A stand-in for the app: records what it receives and acks like Slack expects.
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_type: 'ephemeral', text: 'working on it' }));
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
  client = new SlackRequestClient({
    url: appUrl,
    signingSecret: SECRET,
    clock,
    mint: emulatorMint(emulator),
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await emulator.close();
});
beforeEach(() => {
  captured = [];
});

/** What the receiving app must compute: an independent implementation of Slack's v0 scheme. */
function verify(secret: string, req: Captured): boolean {
  const ts = String(req.headers['x-slack-request-timestamp']);
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${req.body}`).digest('hex')}`,
  );
  const got = Buffer.from(String(req.headers['x-slack-signature']));
  return expected.length === got.length && timingSafeEqual(expected, got);
}

const only = (): Captured => {
  expect(captured).toHaveLength(1);
  return captured[0] as Captured;
};

describe('signed slash commands', () => {
  it('sends every field Slack sends, form-encoded, signed with v0 HMAC-SHA256', async () => {
    const sentAfter = clock.now();
    const sent = await client.slashCommand('/ec2 launch web-1 type=t3.micro', {
      user: 'UADMIN',
      channel: 'C0EC2OPS',
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ response_type: 'ephemeral', text: 'working on it' });
    const req = only();
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(verify(SECRET, req)).toBe(true);
    expect(verify('another-secret', req)).toBe(false);
    const ts = Number(req.headers['x-slack-request-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(Math.floor(sentAfter / 1000));
    expect(ts).toBeLessThanOrEqual(Math.floor(clock.now() / 1000));
    const form = Object.fromEntries(new URLSearchParams(req.body));
    expect(form).toMatchObject({
      team_id: 'T0SANDBOX',
      team_domain: 'ec2ops-sandbox',
      channel_id: 'C0EC2OPS',
      channel_name: 'ec2ops',
      user_id: 'UADMIN',
      user_name: 'ada',
      command: '/ec2',
      text: 'launch web-1 type=t3.micro',
      api_app_id: 'A0EC2OPS',
      response_url: sent.responseUrl?.url,
      trigger_id: sent.triggerId,
    });
    expect(Object.keys(form)).toEqual(
      expect.arrayContaining([
        'token',
        'team_id',
        'channel_id',
        'user_id',
        'command',
        'text',
        'response_url',
        'trigger_id',
      ]),
    );
  });

  it('mints a response_url the emulator accepts and a trigger_id views.open accepts', async () => {
    const sent = await client.slashCommand('/ec2 help', { user: 'UVIEWER' });
    const reply = await fetch(sent.responseUrl?.url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'usage: /ec2 …' }),
    });
    expect(reply.status).toBe(200);
    expect(emulator.workspace.ephemerals({ user: 'UVIEWER' }).at(-1)?.text).toBe('usage: /ec2 …');
    const opened = emulator.workspace.openView({
      triggerId: sent.triggerId as string,
      view: { type: 'modal', title: { type: 'plain_text', text: 'Help' }, blocks: [] },
    });
    expect(opened.user).toBe('UVIEWER');
  });

  it('accepts a channel by #name', async () => {
    await client.slashCommand('/ec2 help', { channel: '#ec2ops-approvals' });
    expect(Object.fromEntries(new URLSearchParams(only().body))).toMatchObject({
      channel_id: 'C0APPROVE',
      channel_name: 'ec2ops-approvals',
    });
  });

  it('builds a signed request without sending it, for in-process callers', async () => {
    const built = await client.buildSlashCommand('/ec2 list', { user: 'UVIEWER' });
    expect(captured).toHaveLength(0);
    expect(verify(SECRET, { headers: built.request.headers, body: built.request.body })).toBe(true);
    expect(new URLSearchParams(built.request.body).get('response_url')).toBe(built.responseUrl.url);
  });

  it('signs with the development secret when none is given', async () => {
    const devClient = new SlackRequestClient({ url: appUrl });
    await devClient.slashCommand('/ec2 help');
    expect(verify(DEV_SIGNING_SECRET, only())).toBe(true);
  });
});

describe('tampering, for the receiving side’s security tests', () => {
  it('can sign with the wrong secret', async () => {
    await client.slashCommand('/ec2 help', { tamper: { secret: 'wrong' } });
    expect(verify(SECRET, only())).toBe(false);
  });

  it('can leave out the signature or the timestamp', async () => {
    await client.slashCommand('/ec2 help', { tamper: { signature: null, timestamp: null } });
    const req = only();
    expect(req.headers['x-slack-signature']).toBeUndefined();
    expect(req.headers['x-slack-request-timestamp']).toBeUndefined();
  });

  it('can change the body after signing it', async () => {
    await client.slashCommand('/ec2 list', { tamper: { body: (b) => b.replace('list', 'terminate') } });
    const req = only();
    expect(req.body).toContain('text=terminate');
    expect(verify(SECRET, req)).toBe(false);
  });

  it('can sign a timestamp from the past or the future, validly', async () => {
    await client.slashCommand('/ec2 help', { tamper: { skewSeconds: -301 } });
    await client.slashCommand('/ec2 help', { tamper: { skewSeconds: 301 } });
    const [past, future] = captured as [Captured, Captured];
    const now = Math.floor(clock.now() / 1000);
    expect(Number(past.headers['x-slack-request-timestamp'])).toBeLessThanOrEqual(now - 300);
    expect(Number(future.headers['x-slack-request-timestamp'])).toBeGreaterThanOrEqual(now + 300);
    expect(verify(SECRET, past) && verify(SECRET, future)).toBe(true);
  });

  it('can send another content type', async () => {
    await client.slashCommand('/ec2 help', { tamper: { contentType: 'application/json' } });
    expect(only().headers['content-type']).toBe('application/json');
  });
});

describe('interactive payloads', () => {
  it('sends a block_actions click on a button of a recorded message', async () => {
    const message = emulator.workspace.postMessage({
      channel: 'C0APPROVE',
      text: 'approve?',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'launch t3.large?' } },
        {
          type: 'actions',
          block_id: 'decision',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              value: 'signed-request',
              text: { type: 'plain_text', text: 'Approve' },
            },
            {
              type: 'button',
              action_id: 'deny',
              value: 'signed-request',
              text: { type: 'plain_text', text: 'Deny' },
            },
          ],
        },
      ],
    });
    const sent = await client.blockAction(
      { message: { ...message, ephemeral: false }, actionId: 'approve' },
      { user: 'UADMIN', channel: 'C0APPROVE' },
    );
    const req = only();
    expect(verify(SECRET, req)).toBe(true);
    const payload = JSON.parse(new URLSearchParams(req.body).get('payload') as string);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'UADMIN', team_id: 'T0SANDBOX' },
      api_app_id: 'A0EC2OPS',
      container: { type: 'message', message_ts: message.ts, channel_id: 'C0APPROVE', is_ephemeral: false },
      channel: { id: 'C0APPROVE', name: 'ec2ops-approvals' },
      message: { ts: message.ts, text: 'approve?' },
      response_url: sent.responseUrl?.url,
      trigger_id: sent.triggerId,
      actions: [{ action_id: 'approve', block_id: 'decision', type: 'button', value: 'signed-request' }],
    });
    // The click's response_url targets that message.
    await fetch(sent.responseUrl?.url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'approved', replace_original: true }),
    });
    expect(emulator.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)?.text).toBe('approved');
  });

  it('sends a view_submission with the view state values', async () => {
    await client.viewSubmission(
      {
        id: 'V00000001',
        callback_id: 'launch',
        private_metadata: '{"channel":"C0EC2OPS"}',
        values: { image: { pick: { type: 'static_select', selected_option: { value: 'ami-1' } } } },
      },
      { user: 'UOPERATOR' },
    );
    const req = only();
    expect(verify(SECRET, req)).toBe(true);
    const payload = JSON.parse(new URLSearchParams(req.body).get('payload') as string);
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'UOPERATOR' },
      view: {
        id: 'V00000001',
        callback_id: 'launch',
        private_metadata: '{"channel":"C0EC2OPS"}',
        state: { values: { image: { pick: { selected_option: { value: 'ami-1' } } } } },
      },
    });
  });

  it('mints through a running emulator over HTTP', async () => {
    const remote = new SlackRequestClient({
      url: appUrl,
      signingSecret: SECRET,
      mint: remoteMint(emulator.apiUrl),
    });
    const sent = await remote.slashCommand('/ec2 list', { user: 'UADMIN' });
    expect(emulator.workspace.responseUrl(sent.responseUrl?.id as string)).toMatchObject({
      user: 'UADMIN',
      channel: 'C0EC2OPS',
      source: { kind: 'command', command: '/ec2', text: 'list' },
    });
  });
});
