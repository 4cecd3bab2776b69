import { ACTION_KINDS, actionId } from '../slack/actions';
import { actions, button, confirmDialog, context, type Message, section } from '../slack/blocks';
import { channelMention, code, escapeMrkdwn, userMention } from '../slack/escape';
import { formatDuration } from '../time/durations';
import type { ApprovalRequest } from './token';

/** What the approvals channel shows: who asks what and why, with Approve / Deny. */
export function approvalRequestMessage(request: ApprovalRequest, token: string): Message {
  const expires = new Date(request.exp * 1000).toISOString();
  return {
    text: `${userMention(request.requester)} asks to run ${code(`/ec2 ${request.text}`)} — needs approval: ${escapeMrkdwn(request.reason)}`,
    blocks: [
      ...section(
        `*Approval needed* · ${userMention(request.requester)} asks to run\n${code(`/ec2 ${request.text}`)}`,
      ),
      ...section(`*Why approval:* ${escapeMrkdwn(request.reason)}`),
      ...actions(
        [
          button('Approve', actionId(ACTION_KINDS.approve, request.id), {
            value: token,
            style: 'primary',
            confirm: confirmDialog(
              'Approve?',
              `Run ${code(`/ec2 ${request.command}`)} for ${userMention(request.requester)}?`,
              'Approve',
            ),
          }),
          button('Deny', actionId(ACTION_KINDS.deny, request.id), { value: token, style: 'danger' }),
        ],
        `approval-${request.id}`,
      ),
      ...context(
        `request ${code(request.id)} · from ${channelMention(request.channel)} · expires ${expires}`,
      ),
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
  const text = `${verb} by ${userMention(by)}: ${userMention(request.requester)}'s ${code(`/ec2 ${request.text}`)}`;
  return {
    replace_original: true,
    text,
    blocks: [...section(text), ...context(`request ${code(request.id)} · decided ${at.toISOString()}`)],
  };
}

/** What the requester sees while waiting. */
export function awaitingApprovalMessage(request: ApprovalRequest, now: Date): Message {
  const left = formatDuration(request.exp * 1000 - now.getTime());
  const text = `Your request needs approval (${escapeMrkdwn(request.reason)}). It was posted to the approvers; it expires in ${left}.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(`:hourglass_flowing_sand: ${text}`), ...context(`request ${code(request.id)}`)],
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
      ? `${userMention(by)} approved your request ${code(`/ec2 ${request.text}`)}; it is running now.`
      : `${userMention(by)} denied your request ${code(`/ec2 ${request.text}`)}.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(text), ...context(`request ${code(request.id)}`)],
  };
}
