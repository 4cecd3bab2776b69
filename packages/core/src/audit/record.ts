import type { Role } from '../config/roles';
import { channelMention, code, escapeMrkdwn, userMention } from '../slack/escape';

/**
 * One structured object per request and per decision, logged as one JSON line (and, when the
 * stage has an audit channel, posted there as `auditText`). Fields are stable: dashboards and
 * alerts query them.
 */
export const AUDIT_EVENTS = [
  /** The request passed the role check and was queued. */
  'allowed',
  /** Refused before anything ran (no role, role too low, bad signature on a click…). */
  'denied',
  'approval-requested',
  'approved',
  'denied-by-approver',
  /** An approval click came after the request expired. */
  'expired',
  /** What running it produced: result ok or error, with its duration. */
  'outcome',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export interface AuditRecord {
  audit: true;
  event: AuditEvent;
  requestId: string;
  /** ISO-8601 UTC. */
  at: string;
  stage: string;
  /** Who: the requester, or the approver for approval decisions. */
  user: string;
  role?: Role | undefined;
  /** What: command name and the text as typed. */
  command?: string | undefined;
  text?: string | undefined;
  /** Where: Slack channel id. */
  channel?: string | undefined;
  result?: 'ok' | 'error' | 'refused' | undefined;
  /** Error or refusal code. */
  code?: string | undefined;
  message?: string | undefined;
  durationMs?: number | undefined;
  /** For decisions: who asked. */
  requester?: string | undefined;
  reason?: string | undefined;
}

export function auditRecord(fields: Omit<AuditRecord, 'audit' | 'at'> & { at: Date }): AuditRecord {
  const record: AuditRecord = { audit: true, ...fields, at: fields.at.toISOString() };
  for (const key of Object.keys(record) as (keyof AuditRecord)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

const ICON: Record<AuditEvent, string> = {
  allowed: ':arrow_forward:',
  denied: ':no_entry_sign:',
  'approval-requested': ':raised_hand:',
  approved: ':white_check_mark:',
  'denied-by-approver': ':no_entry:',
  expired: ':hourglass:',
  outcome: ':checkered_flag:',
};

/** One short line for the audit channel; the typed text and every field are escaped (escape.ts). */
export function auditText(record: AuditRecord): string {
  const what =
    record.text !== undefined ? code(`/ec2 ${record.text}`) : record.command ? code(record.command) : '';
  const where = record.channel ? ` in ${channelMention(record.channel)}` : '';
  const result = record.result
    ? ` → ${record.result}${record.code ? ` (${escapeMrkdwn(record.code)})` : ''}`
    : '';
  const took = record.durationMs !== undefined ? ` in ${record.durationMs} ms` : '';
  const asker = record.requester ? ` for ${userMention(record.requester)}` : '';
  return `${ICON[record.event]} ${record.event} · ${userMention(record.user)}${asker} ${what}${where}${result}${took} · ${code(record.requestId)}`;
}
