import type { Tamper } from '@ec2ops/sandbox/slack/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLines, type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Sends `/ec2 help` broken in one way; returns the HTTP status and how many messages were queued. */
async function refused(tamper: Tamper): Promise<{ status: number; queued: number }> {
  const before = h.sent.length;
  const sent = await h.client.slashCommand('/ec2 help', { user: 'UADMIN', tamper });
  await h.sqs.drain();
  return { status: sent.status, queued: h.sent.length - before };
}

describe('the slack function refuses requests Slack did not sign, and queues nothing for them', () => {
  it('accepts a correctly signed request (the control case)', async () => {
    expect(await refused({})).toEqual({ status: 200, queued: 1 });
  });
  it('missing signature → 401', async () => {
    expect(await refused({ signature: null })).toEqual({ status: 401, queued: 0 });
  });
  it('missing timestamp → 401', async () => {
    expect(await refused({ timestamp: null })).toEqual({ status: 401, queued: 0 });
  });
  it('wrong signature (another secret) → 401', async () => {
    expect(await refused({ secret: 'not-the-signing-secret' })).toEqual({ status: 401, queued: 0 });
  });
  it('malformed signature → 401', async () => {
    expect(await refused({ signature: 'v0=zz' })).toEqual({ status: 401, queued: 0 });
    expect(await refused({ signature: `v1=${'a'.repeat(64)}` })).toEqual({ status: 401, queued: 0 });
  });
  it('tampered body (signed, then changed) → 401', async () => {
    expect(await refused({ body: (b) => b.replace('user_id=UADMIN', 'user_id=UADMIN2') })).toEqual({
      status: 401,
      queued: 0,
    });
  });
  it('timestamp older than 5 minutes, correctly signed → 401', async () => {
    expect(await refused({ skewSeconds: -600 })).toEqual({ status: 401, queued: 0 });
  });
  it('timestamp more than 5 minutes in the future, correctly signed → 401', async () => {
    expect(await refused({ skewSeconds: 600 })).toEqual({ status: 401, queued: 0 });
  });
  it('accepts a little clock skew either way', async () => {
    expect(await refused({ skewSeconds: 120 })).toEqual({ status: 200, queued: 1 });
    expect(await refused({ skewSeconds: -120 })).toEqual({ status: 200, queued: 1 });
  });
  it('wrong content type, correctly signed → 415', async () => {
    expect(await refused({ contentType: 'application/json' })).toEqual({ status: 415, queued: 0 });
    expect(await refused({ contentType: 'text/plain' })).toEqual({ status: 415, queued: 0 });
  });
  it('oversized body, correctly signed → 413', async () => {
    const sent = await h.client.slashCommand(`/ec2 help ${'x'.repeat(1024 * 1024 + 10)}`, { user: 'UADMIN' });
    expect(sent.status).toBe(413);
    await h.sqs.drain();
    expect(h.sent.filter((m) => m.kind === 'command' && m.request.text.length > 1000)).toHaveLength(0);
  });
  it('verifies non-ASCII bodies on the bytes Slack signed (Function URLs deliver forms base64-encoded)', async () => {
    const before = h.sent.length;
    const sent = await h.client.slashCommand('/ec2 help “déjà vu” ✓', { user: 'UADMIN' });
    expect(sent.status).toBe(200);
    expect(h.sent.length).toBe(before + 1);
    const last = h.sent.at(-1)!;
    expect(last.kind === 'command' && last.request.text).toBe('help “déjà vu” ✓');
  });
  it('refuses other methods than POST', async () => {
    const res = await fetch(`${h.front.url}/slack/events`);
    expect(res.status).toBe(405);
  });
});

describe('a signed interaction whose payload cannot be read', () => {
  for (const [what, payload] of [
    ['malformed JSON', '{"type":"block_actions",'],
    ['null', 'null'],
    ['a number', '3'],
    ['an object without a type', '{"user":{"id":"UADMIN"}}'],
  ] as const) {
    it(`is refused with 400 and an audit line, and queues nothing: ${what}`, async () => {
      const before = {
        sent: h.sent.length,
        audit: auditLines(h.logs).filter((l) => l['code'] === 'request.bad-payload').length,
      };
      const res = await h.client.send(new URLSearchParams({ payload }).toString());
      await h.sqs.drain();
      expect(res.status).toBe(400);
      expect(auditLines(h.logs).filter((l) => l['code'] === 'request.bad-payload')).toHaveLength(
        before.audit + 1,
      );
      expect(h.sent.slice(before.sent).filter((m) => m.kind !== 'audit')).toHaveLength(0);
    });
  }
});
