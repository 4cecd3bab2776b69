import { type AuditRecord, auditRecord, auditText } from '@ec2ops/core/audit';
import type { Logger } from './telemetry/log';

export type AuditInput = Parameters<typeof auditRecord>[0];

/** Writes audit records; where they go besides the log depends on the function. */
export interface Auditor {
  /** `channel: false` logs only (the audit channel gets one line per request: its outcome). */
  record(input: AuditInput, options?: { channel?: boolean }): Promise<AuditRecord>;
}

/**
 * Every record is one JSON log line (the record under `record`, with `"audit":true`). `forward` also sends it to the audit
 * channel: the worker posts directly; the slack function, which makes no Slack calls, queues it
 * for the worker.
 */
export function createAuditor(
  logger: Logger,
  forward?: (record: AuditRecord, text: string) => Promise<void>,
): Auditor {
  return {
    async record(input, options = {}) {
      const record = auditRecord(input);
      // Nested whole: Powertools keeps `message` for the line's own text, and the record's
      // fields (its `message` among them) stay exactly as core builds them.
      // correlation_id: the worker's auditor is shared by the commands of a batch, so the line says whose it is.
      logger.info({ correlation_id: record.requestId, record }, `audit ${record.event}`);
      if (forward && options.channel !== false) {
        try {
          await forward(record, auditText(record));
        } catch (error) {
          // The log line is the record of truth; a failed channel post must not fail the request.
          logger.warn({ err: error, requestId: record.requestId }, 'audit channel post failed');
        }
      }
      return record;
    },
  };
}
