import * as z from 'zod';
import { ROLES } from '../config/roles';

/**
 * What the slack function puts on the queue and the worker reads. Versioned and validated on
 * both sides: a message from an older deployment still in the queue is either understood or
 * refused clearly, never half-read.
 */
const argValue = z.union([z.string(), z.number(), z.boolean()]);

export const commandRequestSchema = z.object({
  /** ec2ops request id: shown to people, logged, and used as the idempotency token. */
  id: z.string().regex(/^[A-Za-z0-9-]{6,64}$/),
  command: z.string(),
  args: z.record(z.string(), argValue),
  page: z.number().int().min(1).optional(),
  /** `account=` and `region=` as typed (issue 15); the worker resolves them with the channel's binding. */
  account: z.string().max(32).optional(),
  region: z.string().max(32).optional(),
  /** The text as typed (after `/ec2`), for audit and for buttons that re-run it. */
  text: z.string(),
  user: z.object({
    id: z.string(),
    /** The highest role the person has in any account; the worker checks the target account's. */
    role: z.enum(ROLES),
    name: z.string().optional(),
    /** The configured user groups the person is in (issue 15: per-account roles by group). */
    groups: z.array(z.string().max(32)).max(200).optional(),
  }),
  channel: z.object({ id: z.string(), name: z.string().optional() }),
  teamId: z.string().optional(),
  /** Where the answer goes (valid 30 minutes, 5 uses). Absent for requests without one. */
  responseUrl: z.string().url().optional(),
  /** ISO-8601 UTC. */
  requestedAt: z.string(),
  /** Where the request came from: typed, a button, a modal, or an approval. */
  origin: z.enum(['slash', 'button', 'modal', 'approval']).default('slash'),
  /** Answer by replacing the message that was clicked (paging buttons). */
  replaceOriginal: z.boolean().optional(),
  /** Set when an approver approved it: the worker then skips `needsApproval`. */
  approval: z.object({ by: z.string(), at: z.string() }).optional(),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const queueMessageSchema = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('command'), request: commandRequestSchema }),
  z.object({
    v: z.literal(1),
    kind: z.literal('decision'),
    decision: z.enum(['approve', 'deny']),
    /** The signed approval request from the button (verified again by the worker). */
    token: z.string(),
    approver: z.object({ id: z.string(), role: z.enum(ROLES) }),
    decidedAt: z.string(),
    /** response_url of the approval message, to mark it decided (replace_original). */
    responseUrl: z.string().url().optional(),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('notice'),
    /** A refusal for a click, which Slack lets us answer only through its response_url. */
    responseUrl: z.string().url(),
    text: z.string(),
    requestId: z.string(),
    code: z.string().optional(),
    hint: z.string().optional(),
  }),
  z.object({
    v: z.literal(1),
    kind: z.literal('audit'),
    /** An audit record from the slack function, for the worker to post to the audit channel. */
    record: z.record(z.string(), z.unknown()),
    text: z.string(),
  }),
]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;
export type DecisionMessage = Extract<QueueMessage, { kind: 'decision' }>;
export type NoticeMessage = Extract<QueueMessage, { kind: 'notice' }>;
