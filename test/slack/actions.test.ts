import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const message = (value: string, actionId: string) => ({
  ts: '1700000000.000100',
  text: 'buttons',
  ephemeral: true,
  blocks: [
    {
      type: 'actions',
      block_id: 'a',
      elements: [{ type: 'button', action_id: actionId, text: { type: 'plain_text', text: 'Go' }, value }],
    },
  ],
});

describe('buttons', () => {
  it('a run button runs its command as the person who clicked, answering through the click', async () => {
    const click = await h.client.blockAction(
      { message: message('help help', 'ec2ops:run:again'), actionId: 'ec2ops:run:again' },
      { user: 'UVIEWER' },
    );
    expect(click.status).toBe(200);
    await h.sqs.drain();
    const queued = h.sent.at(-1)!;
    expect(queued.kind === 'command' && queued.request).toEqual(
      expect.objectContaining({
        text: 'help help',
        origin: 'button',
        user: expect.objectContaining({ id: 'UVIEWER', role: 'viewer' }),
      }),
    );
    const reply = h.slack.workspace.responseUrl(click.responseUrl!.id)!.replies[0]!;
    expect(JSON.stringify(reply.payload)).toContain('Needs role *viewer*');
  });

  it('refuses a run button to someone without a role, through the click’s response_url, and runs nothing', async () => {
    const before = h.sent.filter((m) => m.kind === 'command').length;
    const click = await h.client.blockAction(
      { message: message('help', 'ec2ops:run:x'), actionId: 'ec2ops:run:x' },
      { user: 'UNOBODY2' },
    );
    expect(click.status).toBe(200);
    await h.sqs.drain();
    expect(h.sent.filter((m) => m.kind === 'command')).toHaveLength(before);
    expect(
      JSON.stringify(h.slack.workspace.responseUrl(click.responseUrl!.id)!.replies[0]!.payload),
    ).toContain('role.none');
  });

  it('acks and ignores an action kind nobody handles', async () => {
    const before = h.sent.length;
    const click = await h.client.blockAction(
      { message: message('x', 'ec2ops:nothing:1'), actionId: 'ec2ops:nothing:1' },
      { user: 'UADMIN' },
    );
    expect(click.status).toBe(200);
    expect(h.sent.length).toBe(before);
  });
});
