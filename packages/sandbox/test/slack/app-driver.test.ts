import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/slack/clock';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

const SECRET = 'driver-secret';
let emulator: SlackEmulator;
let app: Server;
let appUrl: string;
// The ack deadline is measured on Slack's clock, so a slow app is one that lets that clock pass
// Slack's 3 s, whatever the machine's load.
const clock = new OffsetClock();

/** Waits for `done`; the test's timeout is the only bound. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 10));
}

/** A stand-in app: acks commands by their text, answers clicks and modal submissions. */
function fakeApp(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-slack-request-timestamp']);
      const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${raw}`).digest('hex')}`;
      if (req.headers['x-slack-signature'] !== expected) {
        res.writeHead(401).end();
        return;
      }
      const form = new URLSearchParams(raw);
      const json = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      const payload = form.get('payload');
      if (!payload) {
        const text = form.get('text');
        if (text === 'fail') return json(500, { error: 'boom' });
        if (text === 'slow') {
          clock.advance(3_001);
          return json(200, { text: 'late' });
        }
        if (text === 'quiet') return json(200);
        if (text === 'progress') {
          json(200, { text: 'Working…' });
          setTimeout(() => {
            void fetch(form.get('response_url') as string, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ replace_original: true, text: 'Done' }),
            });
          }, 20);
          return;
        }
        if (text === 'loud') return json(200, { response_type: 'in_channel', text: 'everyone: on it' });
        return json(200, {
          text: 'pick one',
          blocks: [
            {
              type: 'actions',
              elements: [
                { type: 'button', action_id: 'go', value: 'v1', text: { type: 'plain_text', text: 'Go' } },
              ],
            },
          ],
        });
      }
      const body = JSON.parse(payload);
      if (body.type === 'block_actions' && body.container.type === 'view') {
        json(200);
        // Like an app reacting to a choice in a modal: views.update through the Web API.
        void fetch(`${emulator.apiUrl}views.update`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.botToken}` },
          body: JSON.stringify({
            view_id: body.view.id,
            view: {
              type: 'modal',
              callback_id: body.view.callback_id,
              title: { type: 'plain_text', text: 'Launch' },
              blocks: [
                {
                  type: 'section',
                  text: { type: 'mrkdwn', text: `picked ${body.actions[0].selected_option.value}` },
                },
              ],
            },
          }),
        });
        return;
      }
      if (body.type === 'block_actions') {
        json(200);
        void fetch(body.response_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            replace_original: true,
            text: `clicked ${body.actions[0].value} by ${body.user.id}`,
          }),
        });
        return;
      }
      const name = body.view.state.values.name?.value?.value;
      if (!name) return json(200, { response_action: 'errors', errors: { name: 'a name is required' } });
      return json(200);
    });
  });
}

beforeAll(async () => {
  app = fakeApp();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
  emulator = await startSlackEmulator({ app: { url: appUrl, signingSecret: SECRET }, clock });
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

const route = async (path: string, body: unknown) => {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('driving the app as a person in Slack (the console’s way in)', () => {
  it('shows the ack body of a command as an ephemeral message, as Slack does', async () => {
    const res = await route('command', { user: 'UOPERATOR', channel: 'C0EC2OPS', text: '/ec2 menu' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    expect(emulator.workspace.ephemerals({ user: 'UOPERATOR' }).at(-1)).toMatchObject({
      text: 'pick one',
      via: 'ack',
    });
  });

  it('posts an in_channel ack in the channel', async () => {
    await emulator.driver.command({ user: 'UADMIN', channel: '#ec2ops', text: '/ec2 loud' });
    expect(emulator.workspace.messages('C0EC2OPS').at(-1)).toMatchObject({
      text: 'everyone: on it',
      via: 'ack',
    });
  });

  it('lets the response_url replace the ack message, as Slack does for a slash command', async () => {
    const result = await emulator.driver.command({
      user: 'UOPERATOR',
      channel: 'C0EC2OPS',
      text: '/ec2 progress',
    });
    const mine = () =>
      emulator.workspace
        .ephemerals({ user: 'UOPERATOR' })
        .filter((m) => m.responseUrlId === result.responseUrlId);
    await until(() => mine()[0]?.text === 'Done');
    expect(mine()).toEqual([expect.objectContaining({ text: 'Done', via: 'ack' })]);
  });

  it('shows nothing for an empty ack', async () => {
    const before = emulator.workspace.ephemerals({ user: 'UVIEWER' }).length;
    await emulator.driver.command({ user: 'UVIEWER', channel: 'C0EC2OPS', text: '/ec2 quiet' });
    expect(emulator.workspace.ephemerals({ user: 'UVIEWER' })).toHaveLength(before);
  });

  it('tells the user the command failed when the app answers an error', async () => {
    const result = await emulator.driver.command({ user: 'UVIEWER', channel: 'C0EC2OPS', text: '/ec2 fail' });
    expect(result.error).toBe('dispatch_failed');
    expect(emulator.workspace.ephemerals({ user: 'UVIEWER' }).at(-1)).toMatchObject({
      text: '/ec2 failed with the error "dispatch_failed"',
      via: 'slack',
    });
  });

  it('tells the user the command timed out when the ack misses the deadline', async () => {
    const result = await emulator.driver.command({ user: 'UVIEWER', channel: 'C0EC2OPS', text: '/ec2 slow' });
    expect(result.error).toBe('operation_timeout');
    expect(emulator.workspace.ephemerals({ user: 'UVIEWER' }).at(-1)?.text).toBe(
      '/ec2 failed with the error "operation_timeout"',
    );
  });

  it('clicks a button on an ephemeral message; the app’s reply replaces it', async () => {
    await emulator.driver.command({ user: 'UADMIN', channel: 'C0EC2OPS', text: '/ec2 menu' });
    const menu = emulator.workspace.ephemerals({ user: 'UADMIN' }).at(-1);
    const res = await route('click', { user: 'UADMIN', channel: 'C0EC2OPS', ts: menu?.ts, actionId: 'go' });
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    await until(() => emulator.workspace.ephemerals({ user: 'UADMIN' }).at(-1)?.text !== 'pick one');
    expect(emulator.workspace.ephemerals({ user: 'UADMIN' }).at(-1)).toMatchObject({
      ts: menu?.ts,
      text: 'clicked v1 by UADMIN',
    });
  });

  it('submits a modal: errors keep it open, a plain ack closes it', async () => {
    const opened = emulator.workspace.openView({
      triggerId: emulator.mintTriggerId('UOPERATOR'),
      view: {
        type: 'modal',
        callback_id: 'launch',
        title: { type: 'plain_text', text: 'Launch' },
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
    await route('submit', {
      user: 'UOPERATOR',
      viewId: opened.id,
      values: { name: { value: { type: 'plain_text_input' } } },
    });
    expect(emulator.workspace.view(opened.id)).toMatchObject({ errors: { name: 'a name is required' } });
    expect(emulator.workspace.view(opened.id)?.closedAt).toBeUndefined();
    await route('submit', {
      user: 'UOPERATOR',
      viewId: opened.id,
      values: { name: { value: { type: 'plain_text_input', value: 'web-1' } } },
    });
    expect(emulator.workspace.view(opened.id)?.closedAt).toBeDefined();
  });

  it('sends a selection inside a modal as block_actions with a view container', async () => {
    const opened = emulator.workspace.openView({
      triggerId: emulator.mintTriggerId('UADMIN'),
      view: {
        type: 'modal',
        callback_id: 'pick-image',
        title: { type: 'plain_text', text: 'Launch' },
        blocks: [
          {
            type: 'input',
            block_id: 'image',
            dispatch_action: true,
            label: { type: 'plain_text', text: 'Image' },
            element: {
              type: 'static_select',
              action_id: 'choose',
              options: [
                { text: { type: 'plain_text', text: 'web' }, value: 'ami-web' },
                { text: { type: 'plain_text', text: 'db' }, value: 'ami-db' },
              ],
            },
          },
        ],
      },
    });
    const res = await route('view-action', {
      user: 'UADMIN',
      viewId: opened.id,
      actionId: 'choose',
      value: 'ami-db',
    });
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    const text = () => JSON.stringify(emulator.workspace.view(opened.id)?.view['blocks']);
    await until(() => text().includes('picked'));
    expect(text()).toContain('picked ami-db');
  });

  it('answers 409 when no app is configured, and 400 for a command without a slash', async () => {
    const bare = await startSlackEmulator();
    try {
      const res = await fetch(`${bare.url}/_emulator/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'UADMIN', text: '/ec2 help' }),
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ ok: false, error: 'app_not_configured' });
    } finally {
      await bare.close();
    }
    expect((await route('command', { user: 'UADMIN', text: 'ec2 help' })).status).toBe(400);
  });
});

describe('the event feed', () => {
  it('long-polls for events after a sequence number', async () => {
    const since = emulator.workspace.lastEventSeq;
    const pending = fetch(`${emulator.url}/_emulator/events?since=${since}&wait=2000`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 30));
    emulator.workspace.postMessage({ channel: 'C0AUDIT', text: 'audit: launched' });
    const body = (await pending) as { events: Array<{ type: string; channel: string }>; last: number };
    expect(body.events[0]).toMatchObject({ type: 'message.posted', channel: 'C0AUDIT' });
    expect(body.last).toBeGreaterThan(since);
  });

  it('answers an empty list when nothing happens before the wait ends', async () => {
    const since = emulator.workspace.lastEventSeq;
    const body = (await (await fetch(`${emulator.url}/_emulator/events?since=${since}&wait=50`)).json()) as {
      events: unknown[];
    };
    expect(body.events).toEqual([]);
  });

  it('streams events as Server-Sent Events', async () => {
    const controller = new AbortController();
    const since = emulator.workspace.lastEventSeq;
    const res = await fetch(`${emulator.url}/_emulator/events?since=${since}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    emulator.workspace.postMessage({ channel: 'C0AUDIT', text: 'streamed' });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('data: ')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const line = text.split('\n').find((l) => l.startsWith('data: ')) as string;
    expect(JSON.parse(line.slice('data: '.length))).toMatchObject({
      type: 'message.posted',
      data: { text: 'streamed' },
    });
  });

  it('lists messages, ephemerals and state through the read API', async () => {
    const state = (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as {
      users: Array<{ id: string; role: string }>;
      channels: Array<{ id: string }>;
    };
    expect(state.users.map((u) => [u.id, u.role])).toEqual([
      ['UVIEWER', 'viewer'],
      ['UOPERATOR', 'operator'],
      ['UADMIN', 'admin'],
    ]);
    expect(state.channels.map((c) => c.id)).toEqual(['C0EC2OPS', 'C0APPROVE', 'C0AUDIT']);
    const messages = (await (
      await fetch(`${emulator.url}/_emulator/messages?channel=%23ec2ops-audit`)
    ).json()) as {
      channel: string;
      messages: Array<{ text: string }>;
    };
    expect(messages.channel).toBe('C0AUDIT');
    expect(messages.messages.map((m) => m.text)).toContain('streamed');
    const eph = (await (await fetch(`${emulator.url}/_emulator/ephemerals?user=UVIEWER`)).json()) as {
      ephemerals: Array<{ user: string }>;
    };
    expect(eph.ephemerals.every((m) => m.user === 'UVIEWER')).toBe(true);
  });
});
