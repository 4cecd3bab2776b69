import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/slack/clock';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

let emulator: SlackEmulator;
let clock: OffsetClock;

beforeAll(async () => {
  clock = new OffsetClock();
  emulator = await startSlackEmulator({ clock });
});
afterAll(() => emulator.close());

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const commandUrl = (user = 'UOPERATOR', channel = 'C0EC2OPS') =>
  emulator.mintResponseUrl({ user, channel, source: { kind: 'command', command: '/ec2', text: 'list' } });

describe('response_url', () => {
  it('lives at <emulator>/_responses/<id>', () => {
    expect(commandUrl().url).toMatch(new RegExp(`^${emulator.url}/_responses/[\\w-]+$`));
  });

  it('posts ephemeral replies by default, seen only by the requester', async () => {
    const minted = commandUrl('UVIEWER');
    expect(await post(minted.url, { text: 'only for you' })).toEqual({ status: 200, body: { ok: true } });
    const mine = emulator.workspace.ephemerals({ user: 'UVIEWER', channel: 'C0EC2OPS' });
    expect(mine.at(-1)).toMatchObject({
      text: 'only for you',
      via: 'response_url',
      responseUrlId: minted.id,
    });
    expect(emulator.workspace.messages('C0EC2OPS').some((m) => m.text === 'only for you')).toBe(false);
  });

  it('posts in_channel replies to the channel the command came from', async () => {
    const minted = commandUrl('UADMIN', 'C0APPROVE');
    await post(minted.url, { text: 'everyone sees this', response_type: 'in_channel' });
    expect(emulator.workspace.messages('C0APPROVE').at(-1)).toMatchObject({
      text: 'everyone sees this',
      via: 'response_url',
    });
  });

  it('accepts 5 replies and refuses the sixth with used_url', async () => {
    const minted = commandUrl();
    for (let i = 1; i <= 5; i++) {
      expect((await post(minted.url, { text: `reply ${i}` })).status).toBe(200);
    }
    expect(await post(minted.url, { text: 'reply 6' })).toEqual({
      status: 404,
      body: { ok: false, error: 'used_url' },
    });
    const record = emulator.workspace.responseUrl(minted.id);
    expect(record?.uses).toBe(5);
    expect(record?.replies.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'used_url']);
  });

  it('works just before 30 minutes and refuses after them with expired_url', async () => {
    const minted = commandUrl();
    clock.advance(30 * 60 * 1000 - 1000);
    expect((await post(minted.url, { text: 'still in time' })).status).toBe(200);
    clock.advance(2000);
    expect(await post(minted.url, { text: 'too late' })).toEqual({
      status: 404,
      body: { ok: false, error: 'expired_url' },
    });
  });

  it('refuses an id it never minted', async () => {
    expect(await post(`${emulator.url}/_responses/nope`, { text: 'x' })).toEqual({
      status: 404,
      body: { ok: false, error: 'no_service' },
    });
  });

  it('refuses an empty reply with no_text and bad blocks with invalid_blocks, without using up the URL', async () => {
    const minted = commandUrl();
    expect(await post(minted.url, { response_type: 'ephemeral' })).toEqual({
      status: 400,
      body: { ok: false, error: 'no_text' },
    });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect((await post(minted.url, { text: 'x', blocks: tooMany })).body).toEqual({
      ok: false,
      error: 'invalid_blocks',
    });
    expect((await post(minted.url, '{not json')).body).toEqual({ ok: false, error: 'invalid_payload' });
    expect(emulator.workspace.responseUrl(minted.id)?.uses).toBe(0);
  });

  it('replace_original replaces the reply this URL posted before', async () => {
    const minted = commandUrl('UOPERATOR');
    await post(minted.url, { text: 'launching i-123…' });
    await post(minted.url, { text: 'i-123 is running', replace_original: true });
    const replies = emulator.workspace
      .ephemerals({ user: 'UOPERATOR' })
      .filter((m) => m.responseUrlId === minted.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: 'i-123 is running' });
    expect(replies[0]?.editedTs).toBeDefined();
  });

  it('replace_original on an interaction URL replaces the message that held the button', async () => {
    const approval = emulator.workspace.postMessage({ channel: 'C0APPROVE', text: 'approve launch?' });
    const minted = emulator.mintResponseUrl({
      user: 'UADMIN',
      channel: 'C0APPROVE',
      source: { kind: 'message', ts: approval.ts, ephemeral: false },
    });
    await post(minted.url, { text: 'approved by <@UADMIN>', replace_original: true });
    const messages = emulator.workspace.messages('C0APPROVE');
    expect(messages.find((m) => m.ts === approval.ts)?.text).toBe('approved by <@UADMIN>');
    expect(messages.filter((m) => m.text.startsWith('approved by'))).toHaveLength(1);
  });

  it('delete_original removes the original message', async () => {
    const original = emulator.workspace.postEphemeral({
      channel: 'C0EC2OPS',
      user: 'UADMIN',
      text: 'pick one',
    });
    const minted = emulator.mintResponseUrl({
      user: 'UADMIN',
      channel: 'C0EC2OPS',
      source: { kind: 'message', ts: original.ts, ephemeral: true },
    });
    expect((await post(minted.url, { delete_original: true })).status).toBe(200);
    expect(emulator.workspace.ephemerals({ user: 'UADMIN' }).some((m) => m.ts === original.ts)).toBe(false);
  });

  it('shows the replies through the read API', async () => {
    const minted = commandUrl();
    await post(minted.url, { text: 'hello' });
    const res = await fetch(`${emulator.url}/_emulator/responses/${minted.id}`);
    const body = (await res.json()) as {
      responseUrl: { replies: Array<{ outcome: string; payload: unknown }> };
    };
    expect(body.responseUrl.replies).toEqual([
      expect.objectContaining({ outcome: 'ok', payload: { text: 'hello' } }),
    ]);
  });
});
