import { formatDuration } from '../config/durations';
import { ACTION_KINDS, actionId } from '../slack/actions';
import { actions, button, confirmDialog, context, type Message, section } from '../slack/blocks';
import type { ApprovalRequest } from './token';

/** What the approvals channel shows: who asks what and why, with Approve / Deny. */
export function approvalRequestMessage(request: ApprovalRequest, token: string): Message {
  const expires = new Date(request.exp * 1000).toISOString();
  return {
    text: `<@${request.requester}> asks to run /ec2 ${request.text} — needs approval: ${request.reason}`,
    blocks: [
      ...section(`*Approval needed* · <@${request.requester}> asks to run\n\`/ec2 ${request.text}\``),
      ...section(`*Why approval:* ${request.reason}`),
      ...actions(
        [
          button('Approve', actionId(ACTION_KINDS.approve, request.id), {
            value: token,
            style: 'primary',
            confirm: confirmDialog(
              'Approve?',
              `Run \`/ec2 ${request.command}\` for <@${request.requester}>?`,
              'Approve',
            ),
          }),
          button('Deny', actionId(ACTION_KINDS.deny, request.id), { value: token, style: 'danger' }),
        ],
        `approval-${request.id}`,
      ),
      ...context(`request \`${request.id}\` · from <#${request.channel}> · expires ${expires}`),
    ],
  };
}

/** Replaces the approval message once decided, so later clicks see the decision, not buttons. */
export function approvalDecidedMessage(
  request: ApprovalRequest,
  decision: 'approve' | 'deny',
  by: string,
  at: Date,
): Message {
  const verb = decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Denied';
  const text = `${verb} by <@${by}>: <@${request.requester}>'s \`/ec2 ${request.text}\``;
  return {
    replace_original: true,
    text,
    blocks: [...section(text), ...context(`request \`${request.id}\` · decided ${at.toISOString()}`)],
  };
}

/** What the requester sees while waiting. */
export function awaitingApprovalMessage(request: ApprovalRequest, now: Date): Message {
  const left = formatDuration(request.exp * 1000 - now.getTime());
  const text = `Your request needs approval (${request.reason}). It was posted to the approvers; it expires in ${left}.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(`:hourglass_flowing_sand: ${text}`), ...context(`request \`${request.id}\``)],
  };
}

/** What the requester is told when an approver decided. */
export function approvalOutcomeMessage(
  request: ApprovalRequest,
  decision: 'approve' | 'deny',
  by: string,
): Message {
  const text =
    decision === 'approve'
      ? `<@${by}> approved your request \`/ec2 ${request.text}\`; it is running now.`
      : `<@${by}> denied your request \`/ec2 ${request.text}\`.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(text), ...context(`request \`${request.id}\``)],
  };
}
