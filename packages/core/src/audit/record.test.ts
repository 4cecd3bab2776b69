import { describe, expect, it } from 'vitest';
import { auditRecord, auditText } from './record';

describe('audit records', () => {
  it('is one flat object with who, what, where, result, request id and duration', () => {
    const record = auditRecord({
      event: 'outcome',
      requestId: 'r-1',
      at: new Date('2026-11-23T12:00:00Z'),
      stage: 'dev',
      user: 'U0ALICE',
      role: 'operator',
      command: 'stop',
      text: 'stop web-1',
      channel: 'C0OPS',
      result: 'ok',
      durationMs: 812,
      code: undefined,
    });
    expect(record).toEqual({
      audit: true,
      event: 'outcome',
      requestId: 'r-1',
      at: '2026-11-23T12:00:00.000Z',
      stage: 'dev',
      user: 'U0ALICE',
      role: 'operator',
      command: 'stop',
      text: 'stop web-1',
      channel: 'C0OPS',
      result: 'ok',
      durationMs: 812,
    });
    expect(auditText(record)).toBe(
      ':checkered_flag: outcome · <@U0ALICE> `/ec2 stop web-1` in <#C0OPS> → ok in 812 ms · `r-1`',
    );
  });
  it('names the requester on approval decisions', () => {
    const record = auditRecord({
      event: 'approved',
      requestId: 'r-2',
      at: new Date(0),
      stage: 'dev',
      user: 'U0BOB',
      requester: 'U0ALICE',
      command: 'launch',
    });
    expect(auditText(record)).toContain('<@U0BOB> for <@U0ALICE>');
  });
});
