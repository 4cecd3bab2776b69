import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLines, type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('/ec2 help through the whole front door', () => {
  it('is acked over HTTP, runs in the worker via SQS, and the answer arrives at response_url', async () => {
    const sent = await h.client.slashCommand('/ec2 help', { user: 'UOPERATOR', channel: 'C0EC2OPS' });
    expect(sent.status).toBe(200);
    expect(sent.text).toBe('');
    expect(h.sent.filter((m) => m.kind === 'command')).toHaveLength(1);
    await h.sqs.drain();
    const record = h.slack.workspace.responseUrl(sent.responseUrl!.id)!;
    expect(record.replies).toHaveLength(1);
    expect(record.replies[0]!.outcome).toBe('ok');
    expect(record.replies[0]!.posted?.kind).toBe('ephemeral');
    expect(JSON.stringify(record.replies[0]!.payload)).toContain('/ec2 help');
  });

  it('answers `help help` with the details of one command', async () => {
    const sent = await h.client.slashCommand('/ec2 help help', { user: 'UVIEWER' });
    await h.sqs.drain();
    const reply = h.slack.workspace.responseUrl(sent.responseUrl!.id)!.replies[0]!;
    expect(JSON.stringify(reply.payload)).toContain('Needs role *viewer*');
  });

  it('answers a parse error in the ack itself, with the usage and a suggestion, and queues nothing', async () => {
    const before = h.sent.length;
    const sent = await h.client.slashCommand('/ec2 hlep', { user: 'UOPERATOR' });
    expect(sent.status).toBe(200);
    const body = sent.json as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Unknown command `hlep`');
    expect(body.text).toContain('/ec2 help');
    expect(h.sent.length).toBe(before);
  });

  it('gives a group member the group role (usergroups.users.list through the Slack emulator)', async () => {
    const sent = await h.client.slashCommand('/ec2 help', { user: 'UADMIN' });
    expect(sent.status).toBe(200);
    await h.sqs.drain();
    const queued = h.sent.at(-1)!;
    expect(queued.kind === 'command' && queued.request.user).toEqual(
      expect.objectContaining({ id: 'UADMIN', role: 'admin' }),
    );
  });

  it('refuses a user without a role with a clear message, audits it, and runs nothing', async () => {
    const before = h.sent.filter((m) => m.kind === 'command').length;
    const sent = await h.client.slashCommand('/ec2 help', { user: 'UNOBODY1' });
    expect(sent.status).toBe(200);
    const body = sent.json as { text: string };
    expect(body.text).toContain('You have no ec2ops role in stage test');
    expect(body.text).toContain('Ask an ec2ops admin');
    expect(h.sent.filter((m) => m.kind === 'command')).toHaveLength(before);
    const denied = auditLines(h.logs).find((l) => l['event'] === 'denied' && l['user'] === 'UNOBODY1');
    expect(denied).toEqual(
      expect.objectContaining({
        result: 'refused',
        code: 'role.none',
        text: 'help',
        channel: 'C0EC2OPS',
        stage: 'test',
      }),
    );
    await h.sqs.drain();
    expect(
      h.slack.workspace
        .messages('C0AUDIT')
        .some((m) => m.text.includes('denied') && m.text.includes('UNOBODY1')),
    ).toBe(true);
  });

  it('audits an allowed request and its outcome as structured lines with who, what, where, result and duration', async () => {
    await h.client.slashCommand('/ec2 help', { user: 'UVIEWER', channel: 'C0EC2OPS' });
    await h.sqs.drain();
    const queued = h.sent.at(-1)!;
    const requestId = queued.kind === 'command' ? queued.request.id : '';
    const lines = auditLines(h.logs).filter((l) => l['requestId'] === requestId);
    expect(lines.map((l) => l['event'])).toEqual(['allowed', 'outcome']);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        user: 'UVIEWER',
        role: 'viewer',
        command: 'help',
        channel: 'C0EC2OPS',
        stage: 'test',
      }),
    );
    expect(lines[1]).toEqual(expect.objectContaining({ result: 'ok', durationMs: expect.any(Number) }));
    expect(h.slack.workspace.messages('C0AUDIT').filter((m) => m.text.includes(requestId))).toHaveLength(1);
  });
});
