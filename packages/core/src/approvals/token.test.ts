import { describe, expect, it } from 'vitest';
import { approvalDecidedMessage, approvalRequestMessage } from './messages';
import { type ApprovalRequest, deriveApprovalKey, signApproval, verifyApproval } from './token';

const key = deriveApprovalKey('signing-secret', 'dev');
const now = new Date('2026-11-23T12:00:00Z');
const request: ApprovalRequest = {
  v: 1,
  id: 'r-0123456789',
  requester: 'U0ALICE',
  role: 'operator',
  command: 'launch',
  args: { image: 'al2023', type: 'm7g.4xlarge' },
  text: 'launch al2023 type=m7g.4xlarge',
  channel: 'C0OPS',
  reason: 'm7g.4xlarge is larger than operators may launch',
  iat: now.getTime() / 1000,
  exp: now.getTime() / 1000 + 3600,
};
const admin = { id: 'U0BOB', role: 'admin' as const };

function refusal(token: string, options: Partial<Parameters<typeof verifyApproval>[1]> = {}): string {
  try {
    verifyApproval(token, { key, now, approver: admin, approverRole: 'admin', ...options });
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
}

describe('approval tokens', () => {
  it('round-trips a signed request for another approver', () => {
    const token = signApproval(request, key);
    expect(token.length).toBeLessThanOrEqual(2000);
    expect(verifyApproval(token, { key, now, approver: admin, approverRole: 'admin' })).toEqual(request);
  });
  it('refuses the requester approving their own request', () => {
    expect(refusal(signApproval(request, key), { approver: { id: 'U0ALICE', role: 'admin' } })).toBe(
      'approval.self',
    );
  });
  it('refuses an approver below the approver role', () => {
    expect(refusal(signApproval(request, key), { approver: { id: 'U0CAROL', role: 'operator' } })).toBe(
      'approval.role',
    );
    expect(refusal(signApproval(request, key), { approver: { id: 'U0CAROL', role: undefined } })).toBe(
      'approval.role',
    );
  });
  it('refuses an expired request, at the expiry instant', () => {
    expect(refusal(signApproval(request, key), { now: new Date(request.exp * 1000) })).toBe(
      'approval.expired',
    );
  });
  it('refuses a token with changed arguments, a token from another key or stage, and garbage', () => {
    const token = signApproval(request, key);
    const [version, , mac] = token.split('.');
    const changed = Buffer.from(
      JSON.stringify({ ...request, args: { image: 'al2023', type: 'p5.48xlarge' } }),
    ).toString('base64url');
    expect(refusal(`${version}.${changed}.${mac}`)).toBe('approval.forged');
    expect(refusal(signApproval(request, deriveApprovalKey('signing-secret', 'prod')))).toBe(
      'approval.forged',
    );
    expect(refusal(signApproval(request, deriveApprovalKey('other-secret', 'dev')))).toBe('approval.forged');
    expect(refusal('a1.e30.short')).toBe('approval.forged');
    expect(refusal('not-a-token')).toBe('approval.malformed');
  });
  it('refuses a request too long for a button value when signing', () => {
    expect(() => signApproval({ ...request, text: 'x'.repeat(2000) }, key)).toThrow(
      expect.objectContaining({ code: 'approval.too-long' }),
    );
  });
});

describe('approval messages', () => {
  it('offers Approve and Deny carrying the signed request', () => {
    const token = signApproval(request, key);
    const message = approvalRequestMessage(request, token);
    const buttons = message.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b) => b.type === 'button' && b.action_id)).toEqual([
      'ec2ops:approve:r-0123456789',
      'ec2ops:deny:r-0123456789',
    ]);
    expect(buttons.every((b) => b.type === 'button' && b.value === token)).toBe(true);
  });
  it('replaces the approval message with the decision and no buttons', () => {
    const message = approvalDecidedMessage(request, 'approve', 'U0BOB', now);
    expect(message.replace_original).toBe(true);
    expect(message.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(message.text).toContain('Approved by <@U0BOB>');
  });
});
