import * as z from 'zod';
import { durationSchema } from '../time/durations';
import { ROLES } from './roles';

const channelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C012ABCDEF');

export const slackSchema = z
  .object({
    /** Where job reports go. */
    reportChannel: channelId.optional(),
    /** Where requests that need approval are posted with Approve / Deny buttons. */
    approvalsChannel: channelId.optional(),
    /** When set, every decision and outcome is also posted here (always logged as JSON). */
    auditChannel: channelId.optional(),
    /** How long an approval request stays decidable. */
    approvalExpiry: durationSchema.default('1h'),
    /** The least role that may approve or deny (never the requester). Admin when unset. */
    approverRole: z.enum(ROLES).optional(),
    /** Seconds a user-group membership lookup is cached. */
    groupCacheSeconds: z.number().int().min(0).max(3600).default(60),
  })
  .strict();
export type SlackConfig = z.infer<typeof slackSchema>;
