import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ROLES, type Role, roleAtLeast } from '../config/roles';
import { ForbiddenError, InputError } from '../errors';
import { LIMITS } from '../slack/blocks';

/**
 * Approval state without a database: the Approve / Deny buttons carry the whole request,
 * signed by ec2ops. A click hands it back; the signature proves ec2ops wrote it (nobody can
 * forge a request or change its arguments), the expiry bounds how long it may be decided, and
 * the requester is inside it so they cannot approve themselves.
 *
 * Exactly one execution, for a double click or two approvers at once, with no lock to take:
 *  1. The request id inside the token is the request's idempotency token. Executors pass it to
 *     EC2 as ClientToken (RunInstances returns the same instances for the same token) or tag
 *     with it / treat "already exists" as success, so a second execution of the same approved
 *     request finds the first one's result and changes nothing. This holds across Lambda
 *     containers and SQS redeliveries, which no in-memory guard could.
 *  2. The worker replaces the approval message (response_url, replace_original) with
 *     "Approved by … / Denied by …" as soon as it takes the decision, so a later click sees
 *     the decision instead of buttons.
 *  3. Known limit: an Approve and a Deny clicked within the same moment are both taken; the
 *     message shows the last one, and a Deny taken after the approved command ran does not
 *     undo it (the audit log has both decisions in order).
 */

export const approvalSchema = z.object({
  v: z.literal(1),
  /** Request id (also the idempotency token of the execution). */
  id: z.string(),
  requester: z.string(),
  role: z.enum(ROLES),
  command: z.string(),
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  text: z.string(),
  channel: z.string(),
  /**
   * Not set by ec2ops (button values are visible to the approvals channel's clients, and a
   * response_url lets its holder post as the app); accepted for tokens already issued.
   */
  responseUrl: z.string().optional(),
  /** Why it needs approval (from the command's `needsApproval`). */
  reason: z.string(),
  /** Issued at / expires at, epoch seconds. */
  iat: z.number().int(),
  exp: z.number().int(),
});
export type ApprovalRequest = z.infer<typeof approvalSchema>;

/**
 * The signing key for approval tokens, derived from the Slack signing secret and the stage so
 * that the raw secret is never used for two purposes and a token from one stage is refused by
 * another.
 */
export function deriveApprovalKey(signingSecret: string, stage: string): Buffer {
  return createHmac('sha256', signingSecret).update(`ec2ops/approval/v1/${stage}`).digest();
}

const VERSION = 'a1';

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url');
}

/** Signs an approval request into a button value (at most 2,000 characters, Slack's limit). */
export function signApproval(request: ApprovalRequest, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(approvalSchema.parse(request))).toString('base64url');
  const token = `${VERSION}.${payload}.${mac(key, payload)}`;
  if (token.length > LIMITS.buttonValue) {
    throw new InputError('approval.too-long', 'This request is too long to be sent for approval.', {
      hint: 'Shorten free text such as reason="…" and try again.',
    });
  }
  return token;
}

/** Stable refusal codes, one per reason, for tests, audit and docs. */
export const APPROVAL_CODES = {
  malformed: 'approval.malformed',
  forged: 'approval.forged',
  expired: 'approval.expired',
  self: 'approval.self',
  role: 'approval.role',
} as const;

export interface VerifyOptions {
  key: Buffer;
  /** When the click happened. */
  now: Date;
  approver: { id: string; role: Role | undefined };
  /** The least role that may decide (admin unless the stage says otherwise). */
  approverRole: Role;
}

/**
 * Checks a clicked approval: signature first (constant-time), then expiry, then who clicked.
 * Returns the signed request or throws a ForbiddenError with one of APPROVAL_CODES.
 */
export function verifyApproval(token: string, options: VerifyOptions): ApprovalRequest {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) {
    throw new ForbiddenError(APPROVAL_CODES.malformed, 'This approval button is not one ec2ops made.', {
      hint: 'Nothing was run. Decide on a request ec2ops posted, or ask the requester to run the command again.',
    });
  }
  const expected = Buffer.from(mac(options.key, parts[1]));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ForbiddenError(
      APPROVAL_CODES.forged,
      'This approval request was not signed by ec2ops, so it was ignored.',
      {
        hint: 'Nothing was run. Ask the requester to run the command again; if it keeps happening, tell an ec2ops admin (the signing secret may have changed).',
      },
    );
  }
  let request: ApprovalRequest;
  try {
    request = approvalSchema.parse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    throw new ForbiddenError(APPROVAL_CODES.malformed, 'This approval request cannot be read.', {
      hint: 'Nothing was run. Ask the requester to run the command again.',
    });
  }
  if (Math.floor(options.now.getTime() / 1000) >= request.exp) {
    throw new ForbiddenError(
      APPROVAL_CODES.expired,
      `This approval request expired at ${new Date(request.exp * 1000).toISOString()}.`,
      { hint: 'Ask the requester to run the command again.' },
    );
  }
  if (options.approver.id === request.requester) {
    throw new ForbiddenError(APPROVAL_CODES.self, 'You cannot approve or deny your own request.', {
      hint: 'Another approver has to decide.',
    });
  }
  if (!roleAtLeast(options.approver.role, options.approverRole)) {
    throw new ForbiddenError(
      APPROVAL_CODES.role,
      `Only ${options.approverRole}s may decide approval requests.`,
      { hint: `Leave it to an ${options.approverRole}, or ask an ec2ops admin for the role.` },
    );
  }
  return request;
}
