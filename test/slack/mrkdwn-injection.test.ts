import type { CommandSpec } from '@ec2ops/core/commands/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeExecutor, probeSpec } from './fixtures';
import { type Harness, startHarness } from './harness';

/** `probe` with a free-text reason, as `open … reason="…"` has. */
const reasonedProbe: CommandSpec = {
  ...probeSpec,
  options: [{ name: 'reason', type: 'string', maxLength: 200, description: 'why' }],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ specs: [reasonedProbe], executors: { probe: probeExecutor } });
});
afterAll(async () => {
  await h?.close();
});

/** Everything Slack would parse as mrkdwn in a message: its text and every block. */
const shown = (m: { text?: string; blocks?: unknown }) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;
/** What Slack turns into a broadcast, a mention of someone else, or a link with a label. */
const LIVE = /<!(channel|here|everyone)>|<@UADMIN>|<https?:[^>]*\|/;

describe('user text reaches Slack escaped, never as live mrkdwn', () => {
  it('a user with no role cannot ping the audit channel or post a labelled link there', async () => {
    const before = h.slack.workspace.messages('C0AUDIT').length;
    // As Slack sends a typed @channel, a mention and a link: already in their live form.
    const sent = await h.client.slashCommand(
      '/ec2 launch <!channel> <@UADMIN> <https://evil.example|Approve here>',
      { user: 'UNOBODY', channel: 'C0EC2OPS' },
    );
    expect(sent.status).toBe(200);
    await h.sqs.drain();
    const posted = h.slack.workspace.messages('C0AUDIT').slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('denied');
    expect(shown(posted[0]!)).not.toMatch(LIVE);
    // Shown as the person typed it: the mention and the link's label as plain words.
    expect(posted[0]!.text).toContain('`/ec2 launch channel UADMIN Approve here`');
  });

  it('an operator’s reason="…" shows as text in the approvals channel and in every reply', async () => {
    const before = h.slack.workspace.messages('C0APPROVE').length;
    // What Slack sends when someone types a literal `<` or `>`: entities, which ec2ops decodes.
    const sent = await h.client.slashCommand(
      '/ec2 probe big reason="&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt; `x` &lt;@UADMIN&gt;"',
      { user: 'UOPERATOR', channel: 'C0EC2OPS' },
    );
    expect(sent.status).toBe(200);
    await h.sqs.drain();
    const posted = h.slack.workspace.messages('C0APPROVE').slice(before);
    expect(posted).toHaveLength(1);
    expect(shown(posted[0]!)).not.toMatch(LIVE);
    expect(shown(posted[0]!)).toContain('&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt;');
    const replies = h.slack.workspace.responseUrl(sent.responseUrl!.id)?.replies ?? [];
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(shown(reply.payload as never)).not.toMatch(LIVE);
    expect(sent.text).not.toMatch(LIVE);
  });

  it('an error echoing what was typed shows it as text', async () => {
    const sent = await h.client.slashCommand('/ec2 &lt;!here&gt;', { user: 'UADMIN' });
    expect(sent.status).toBe(200);
    const body = sent.text;
    expect(body).toContain('Unknown command');
    expect(body).not.toContain('<!here>');
  });
});
