import type { CommandSpec } from '@ec2ops/core/commands';
import { InputError } from '@ec2ops/core/errors';
import type { Executor } from '@ec2ops/functions/worker/context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancesFor, probeExecutor, probeSpec, source } from '../slack/fixtures';
import { allAtOnce, type CoordinatedHarness, startCoordinatedHarness } from './support';

/**
 * An approval is decided once, by the first click that reaches ec2ops (a conditional put in the
 * coordination table). Every later click is told, to the clicker alone, who decided what and when.
 */
let h: CoordinatedHarness;
beforeAll(async () => {
  h = await startCoordinatedHarness({
    specs: [probeSpec, noteSpec],
    executors: { probe: probeExecutor, note },
  });
});

/** A command that always needs approval and changes nothing in EC2: `ok` succeeds, `refuse` is refused. */
const noteSpec: CommandSpec = {
  name: 'note',
  summary: 'Record a note (tests only)',
  role: 'operator',
  mutates: true,
  iam: [],
  args: [{ name: 'how', type: 'enum', values: ['ok', 'refuse'], required: true, description: 'how it ends' }],
  needsApproval: () => 'notes need an admin',
};
const note: Executor = async (ctx) => {
  if (ctx.request.args['how'] === 'refuse')
    throw new InputError('access.not-yours', 'The note was refused <!channel>.', { hint: 'Tests only.' });
  return { response_type: 'ephemeral', text: `noted ${ctx.request.id}` };
};
afterAll(async () => {
  await h?.close();
});

async function requestBigProbe(text = '/ec2 probe big') {
  const sent = await h.client.slashCommand(text, { user: 'UOPERATOR', channel: 'C0EC2OPS' });
  expect(sent.status).toBe(200);
  await h.sqs.drain();
  // As posted, with its buttons (the workspace updates its own copy when the request is decided).
  const message = structuredClone(h.slack.workspace.messages('C0APPROVE').at(-1)!);
  const requestId = /request `(r-[0-9a-f]+)`/.exec(JSON.stringify(message.blocks))![1]!;
  return { requestId, message };
}

/** What ec2ops sent the requester by DM about this request. */
function dmsAbout(user: string, requestId: string): string[] {
  const dm = h.slack.workspace.dms().find((d) => d.user === user);
  return (dm ? h.slack.workspace.messages(dm.channel) : [])
    .map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`)
    .filter((t) => t.includes(requestId));
}

function repliesTo(urlId: string): string[] {
  return (h.slack.workspace.responseUrl(urlId)?.replies ?? []).map((r) => JSON.stringify(r.payload));
}

function click(
  decision: 'approve' | 'deny',
  requestId: string,
  message: Parameters<typeof source>[0],
  user: string,
) {
  const client = user === 'UADMIN2' ? h.secondClient : h.client;
  return client.blockAction(
    { message: source(message), actionId: `ec2ops:${decision}:${requestId}` },
    { user, channel: 'C0APPROVE' },
  );
}

describe('approval decisions under concurrency', () => {
  it('ends the approvals message in the final state: who decided, and what the command did', async () => {
    const { requestId, message } = await requestBigProbe('/ec2 note ok');
    await allAtOnce(2, (i) =>
      i === 0 ? click('approve', requestId, message, 'UADMIN') : click('deny', requestId, message, 'UADMIN2'),
    );
    await h.sqs.drain();

    const final = h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!.text;
    const toRequester = dmsAbout('UOPERATOR', requestId).join('\n');
    if (final.includes('Approved by')) {
      expect(final).toContain(`noted ${requestId}`);
      expect(toRequester).toContain('approved your request');
      expect(toRequester).not.toContain('denied your request');
    } else {
      expect(final).toContain('Denied by <@UADMIN2>');
      expect(final).not.toContain('noted');
      expect(toRequester).toContain('denied your request');
      expect(toRequester).not.toContain('approved your request');
    }
  });

  it('says on the approvals message that an approved command failed, and why, escaped', async () => {
    const { requestId, message } = await requestBigProbe('/ec2 note refuse');
    await click('approve', requestId, message, 'UADMIN');
    await h.sqs.drain();

    const final = h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!.text;
    expect(final).toContain('Approved by <@UADMIN>');
    expect(final).toContain('failed: The note was refused');
    expect(final).toContain('access.not-yours');
    expect(final).not.toContain('<!channel>');
  });

  it('keeps a denial: an Approve after a Deny runs nothing and tells that approver who denied it', async () => {
    const { requestId, message } = await requestBigProbe();
    await click('deny', requestId, message, 'UADMIN2');
    await h.sqs.drain();
    const late = await click('approve', requestId, message, 'UADMIN');
    await h.sqs.drain();

    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
    const answer = repliesTo(late.responseUrl!.id);
    expect(answer).toHaveLength(1);
    expect(answer[0]).toContain('already denied by <@UADMIN2> at ');
    expect(answer[0]).toContain('approval.already-decided');
    expect(answer[0]).toContain('"response_type":"ephemeral"');
    const toRequester = dmsAbout('UOPERATOR', requestId);
    expect(toRequester.some((t) => t.includes('denied your request'))).toBe(true);
    expect(toRequester.some((t) => t.includes('approved your request'))).toBe(false);
    expect(h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!.text).toContain(
      'Denied by <@UADMIN2>',
    );
  });

  it('Approve and Deny at the same instant: one wins, and the requester hears what actually happened', async () => {
    const { requestId, message } = await requestBigProbe();
    const queuedBefore = h.sent.length;
    await allAtOnce(2, (i) =>
      i === 0 ? click('approve', requestId, message, 'UADMIN') : click('deny', requestId, message, 'UADMIN2'),
    );
    await h.sqs.drain();

    const launched = (await instancesFor(h.ec2Client, requestId)).length;
    const decisions = h.sent.slice(queuedBefore).filter((m) => m.kind === 'decision');
    expect(decisions).toHaveLength(1);
    const won = decisions[0]!.kind === 'decision' ? decisions[0]!.decision : undefined;
    expect(launched).toBe(won === 'approve' ? 1 : 0);
    const toRequester = dmsAbout('UOPERATOR', requestId);
    const outcomes = toRequester.filter((t) => /approved your request|denied your request/.test(t));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toContain(won === 'approve' ? 'approved your request' : 'denied your request');
    expect(h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!.text).toContain(
      won === 'approve' ? 'Approved by' : 'Denied by',
    );
  });

  it('three Approves at once run the command once and tell the requester once', async () => {
    const { requestId, message } = await requestBigProbe();
    const clicks = await allAtOnce(3, (i) =>
      click('approve', requestId, message, i === 1 ? 'UADMIN2' : 'UADMIN'),
    );
    await h.sqs.drain();

    const launched = await instancesFor(h.ec2Client, requestId);
    expect(launched).toHaveLength(1);
    expect(dmsAbout('UOPERATOR', requestId).filter((t) => t.includes('approved your request'))).toHaveLength(
      1,
    );
    expect(dmsAbout('UOPERATOR', launched[0]!).filter((t) => t.includes('probe launched'))).toHaveLength(1);
    const told = clicks.map((c) => repliesTo(c.responseUrl!.id).join('\n'));
    expect(told.filter((t) => t.includes('approval.already-decided'))).toHaveLength(2);
  });
});
