import type { CommandSpec } from '@ec2ops/core/commands';
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

/** Sends a signed slash command and returns it with what it caused to be posted in `channel`. */
async function postedIn(channel: string, commandLine: string, user: string) {
  const before = h.slack.workspace.messages(channel).length;
  const sent = await h.client.slashCommand(commandLine, { user, channel: 'C0EC2OPS' });
  expect(sent.status).toBe(200);
  await h.sqs.drain();
  const posted = h.slack.workspace.messages(channel).slice(before);
  expect(posted).toHaveLength(1);
  return { sent, message: posted[0]! };
}

describe('user text reaches Slack escaped, never as live mrkdwn', () => {
  it('a user with no role cannot ping the audit channel or post a labelled link there', async () => {
    // As Slack sends a typed @channel, a mention and a link: already in their live form.
    const { message } = await postedIn(
      'C0AUDIT',
      '/ec2 launch <!channel> <@UADMIN> <https://evil.example|Approve here>',
      'UNOBODY',
    );
    expect(message.text).toContain('denied');
    expect(shown(message)).not.toMatch(LIVE);
    // Shown as the person typed it: the mention and the link's label as plain words.
    expect(message.text).toContain('`/ec2 launch channel UADMIN Approve here`');
  });

  it('an operator’s reason="…" shows as text in the approvals channel and in every reply', async () => {
    // What Slack sends when someone types a literal `<` or `>`: entities, which ec2ops decodes.
    const { sent, message } = await postedIn(
      'C0APPROVE',
      '/ec2 probe big reason="&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt; `x` &lt;@UADMIN&gt;"',
      'UOPERATOR',
    );
    expect(shown(message)).not.toMatch(LIVE);
    expect(shown(message)).toContain('&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt;');
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
