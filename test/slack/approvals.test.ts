import {
  type ApprovalRequest,
  approvalRequestMessage,
  deriveApprovalKey,
  signApproval,
} from '@ec2ops/core/approvals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancesFor, probeExecutor, probeSpec, source } from './fixtures';
import { auditLines, type Harness, SIGNING_SECRET, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ specs: [probeSpec], executors: { probe: probeExecutor } });
});
afterAll(async () => {
  await h?.close();
});

/** Runs `/ec2 probe big` as UOPERATOR; returns the request id and the approval message. */
async function requestBigProbe() {
  const before = h.slack.workspace.messages('C0APPROVE').length;
  const sent = await h.client.slashCommand('/ec2 probe big', { user: 'UOPERATOR', channel: 'C0EC2OPS' });
  expect(sent.status).toBe(200);
  await h.sqs.drain();
  const posted = h.slack.workspace.messages('C0APPROVE');
  expect(posted.length).toBe(before + 1);
  const message = posted.at(-1)!;
  const requestId = /request `(r-[0-9a-f]+)`/.exec(JSON.stringify(message.blocks))![1]!;
  return { requestId, message, requesterUrl: sent.responseUrl! };
}

/** What the requester received by DM from ec2ops (decisions and approved results arrive there). */
function dmTexts(user: string): string[] {
  const dm = h.slack.workspace.dms().find((d) => d.user === user);
  return dm
    ? h.slack.workspace.messages(dm.channel).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`)
    : [];
}

function replies(urlId: string): string[] {
  return (h.slack.workspace.responseUrl(urlId)?.replies ?? []).map((r) => JSON.stringify(r.payload));
}

describe('approvals', () => {
  it('posts a request that needs approval to the approvals channel and tells the requester; nothing runs yet', async () => {
    const { requestId, message, requesterUrl } = await requestBigProbe();
    expect(message.text).toContain('big probes need an admin');
    expect(replies(requesterUrl.id).some((r) => r.includes('needs approval'))).toBe(true);
    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
    expect(
      auditLines(h.logs).some((l) => l['event'] === 'approval-requested' && l['requestId'] === requestId),
    ).toBe(true);
  });

  it('runs a request that needs no approval straight away', async () => {
    const sent = await h.client.slashCommand('/ec2 probe small', { user: 'UOPERATOR' });
    await h.sqs.drain();
    expect(replies(sent.responseUrl!.id).some((r) => r.includes('probe launched i-'))).toBe(true);
  });

  it('refuses the requester approving their own request', async () => {
    const { requestId, message } = await requestBigProbe();
    const click = await h.client.blockAction(
      { message: source(message), actionId: `ec2ops:approve:${requestId}` },
      { user: 'UOPERATOR', channel: 'C0APPROVE' },
    );
    expect(click.status).toBe(200);
    await h.sqs.drain();
    expect(
      replies(click.responseUrl!.id).some((r) => r.includes('cannot approve or deny your own request')),
    ).toBe(true);
    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
    expect(
      auditLines(h.logs).some(
        (l) => l['event'] === 'denied' && l['code'] === 'approval.self' && l['requestId'] === requestId,
      ),
    ).toBe(true);
  });

  it('refuses someone below the approver role', async () => {
    const { requestId, message } = await requestBigProbe();
    const click = await h.client.blockAction(
      { message: source(message), actionId: `ec2ops:approve:${requestId}` },
      { user: 'UVIEWER', channel: 'C0APPROVE' },
    );
    await h.sqs.drain();
    expect(replies(click.responseUrl!.id).some((r) => r.includes('approval.role'))).toBe(true);
    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
  });

  it('an approval runs the command once, marks the message decided and tells the requester', async () => {
    const { requestId, message } = await requestBigProbe();
    await h.client.blockAction(
      { message: source(message), actionId: `ec2ops:approve:${requestId}` },
      { user: 'UADMIN', channel: 'C0APPROVE' },
    );
    await h.sqs.drain();
    expect(await instancesFor(h.ec2Client, requestId)).toHaveLength(1);
    const updated = h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!;
    expect(updated.text).toContain('Approved by <@UADMIN>');
    expect(JSON.stringify(updated.blocks)).not.toContain('ec2ops:approve');
    const toRequester = dmTexts('UOPERATOR');
    expect(toRequester.some((r) => r.includes('<@UADMIN> approved your request'))).toBe(true);
    expect(toRequester.some((r) => r.includes('probe launched i-'))).toBe(true);
    expect(
      auditLines(h.logs)
        .filter((l) => l['requestId'] === requestId)
        .map((l) => l['event']),
    ).toEqual(['allowed', 'approval-requested', 'approved', 'outcome']);
  });

  it('a double click executes once', async () => {
    const { requestId, message } = await requestBigProbe();
    const click = () =>
      h.client.blockAction(
        { message: source(message), actionId: `ec2ops:approve:${requestId}` },
        { user: 'UADMIN', channel: 'C0APPROVE' },
      );
    const [first, second] = await Promise.all([click(), click()]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.sqs.drain();
    expect(await instancesFor(h.ec2Client, requestId)).toHaveLength(1);
  });

  it('two approvers at once, on two slack function instances, execute once', async () => {
    const { requestId, message } = await requestBigProbe();
    await Promise.all([
      h.client.blockAction(
        { message: source(message), actionId: `ec2ops:approve:${requestId}` },
        { user: 'UADMIN', channel: 'C0APPROVE' },
      ),
      h.secondClient.blockAction(
        { message: source(message), actionId: `ec2ops:approve:${requestId}` },
        { user: 'UADMIN2', channel: 'C0APPROVE' },
      ),
    ]);
    await h.sqs.drain();
    const decisions = h.sent.filter((m) => m.kind === 'decision' && m.token.length > 0);
    expect(decisions.length).toBeGreaterThanOrEqual(2);
    expect(await instancesFor(h.ec2Client, requestId)).toHaveLength(1);
  });

  it('a denial runs nothing and tells the requester', async () => {
    const { requestId, message } = await requestBigProbe();
    await h.client.blockAction(
      { message: source(message), actionId: `ec2ops:deny:${requestId}` },
      { user: 'UADMIN2', channel: 'C0APPROVE' },
    );
    await h.sqs.drain();
    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
    expect(h.slack.workspace.messages('C0APPROVE').find((m) => m.ts === message.ts)!.text).toContain(
      'Denied by <@UADMIN2>',
    );
    expect(dmTexts('UOPERATOR').some((r) => r.includes('<@UADMIN2> denied your request'))).toBe(true);
    expect(
      auditLines(h.logs).some((l) => l['event'] === 'denied-by-approver' && l['requestId'] === requestId),
    ).toBe(true);
  });

  it('refuses an expired approval request', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired: ApprovalRequest = {
      v: 1,
      id: 'r-expired0000001',
      requester: 'UOPERATOR',
      role: 'operator',
      command: 'probe',
      args: { size: 'big' },
      text: 'probe big',
      channel: 'C0EC2OPS',
      reason: 'big probes need an admin',
      iat: now - 7200,
      exp: now - 3600,
    };
    const token = signApproval(expired, deriveApprovalKey(SIGNING_SECRET, 'test'));
    const request = approvalRequestMessage(expired, token);
    const message = h.slack.workspace.postMessage({
      channel: 'C0APPROVE',
      text: request.text,
      blocks: request.blocks!,
    });
    const click = await h.client.blockAction(
      { message: source(message), actionId: 'ec2ops:approve:r-expired0000001' },
      { user: 'UADMIN', channel: 'C0APPROVE' },
    );
    await h.sqs.drain();
    expect(replies(click.responseUrl!.id).some((r) => r.includes('expired'))).toBe(true);
    expect(await instancesFor(h.ec2Client, expired.id)).toEqual([]);
    expect(auditLines(h.logs).some((l) => l['event'] === 'expired' && l['requestId'] === expired.id)).toBe(
      true,
    );
    expect(h.sent.some((m) => m.kind === 'decision' && m.token === token)).toBe(false);
  });

  it('refuses a forged approval: changed arguments, or signed with another key', async () => {
    const { requestId, message } = await requestBigProbe();
    const blocks = JSON.parse(JSON.stringify(message.blocks)) as Array<{
      elements?: Array<{ value?: string }>;
    }>;
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.value)!;
    const [version, payload, mac] = button.value!.split('.');
    const changed = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as ApprovalRequest;
    changed.requester = 'UADMIN2';
    const forgedValues = [
      `${version}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${mac}`,
      signApproval(changed, deriveApprovalKey('someone-elses-secret', 'test')),
    ];
    for (const value of forgedValues) {
      const click = await h.client.blockAction(
        {
          message: source(message),
          actions: [
            {
              action_id: `ec2ops:approve:${requestId}`,
              block_id: 'b',
              type: 'button',
              value,
              action_ts: '1.0',
            },
          ],
        },
        { user: 'UADMIN', channel: 'C0APPROVE' },
      );
      await h.sqs.drain();
      expect(replies(click.responseUrl!.id).some((r) => r.includes('approval.forged'))).toBe(true);
    }
    expect(await instancesFor(h.ec2Client, requestId)).toEqual([]);
    expect(h.sent.some((m) => m.kind === 'decision' && forgedValues.includes(m.token))).toBe(false);
  });
});
