import { APPROVAL_CODES, type ApprovalRequest, verifyApproval } from '@ec2ops/core/approvals';
import { isEc2opsError } from '@ec2ops/core/errors';
import { errorCode } from '@ec2ops/core/slack';
import { claimDecision } from '../../coordination/decisions';
import { queueNotice } from '../notice';
import type { ActionHandler } from './types';

/**
 * `ec2ops:approve:<id>` / `ec2ops:deny:<id>` — checks the signed request (forgery, expiry, the
 * clicker is not the requester and has the approver role) at click time, then queues the
 * decision; the worker marks the approval message decided and runs the command. See
 * core/approvals/token.ts for why a double click cannot run it twice.
 */
export function decide(decision: 'approve' | 'deny'): ActionHandler {
  return async (deps, click) => {
    const now = deps.clock.now();
    const { role } = await deps.roles.resolve(click.user.id);
    const requestId = click.suffix || 'unknown';
    let approval: ApprovalRequest;
    try {
      approval = verifyApproval(click.value ?? '', {
        key: deps.approvalKey,
        now,
        approver: { id: click.user.id, role },
        approverRole: deps.config.slack.approverRole ?? 'admin',
      });
    } catch (error) {
      await deps.auditor.record({
        event: isEc2opsError(error) && error.code === APPROVAL_CODES.expired ? 'expired' : 'denied',
        requestId,
        at: now,
        stage: deps.config.stage,
        user: click.user.id,
        role,
        command: `${decision} approval`,
        channel: click.channel?.id,
        result: 'refused',
        code: errorCode(error),
      });
      await queueNotice(deps, click.responseUrl, requestId, error);
      return;
    }
    // First writer wins (coordination/decisions.ts): a later click is told who decided, to it alone.
    const claim = await claimDecision(
      deps.coordination,
      { approvalId: approval.id, decision, by: click.user.id, at: now.toISOString() },
      new Date(approval.exp * 1000),
      now,
    );
    if (!claim.first) {
      deps.logger.info({ requestId, by: click.user.id, code: claim.error.code }, 'approval already decided');
      await queueNotice(deps, click.responseUrl, requestId, claim.error);
      return;
    }
    try {
      await deps.queue.send({
        v: 1,
        kind: 'decision',
        decision,
        token: click.value!,
        approver: { id: click.user.id, role: role! },
        decidedAt: now.toISOString(),
        ...(click.responseUrl ? { responseUrl: click.responseUrl } : {}),
      });
    } catch (error) {
      await claim.withdraw();
      throw error;
    }
  };
}
