import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type CoordinationTable, epochSeconds, itemId, putIfAbsent } from './table';

/** How long Slack's signature check accepts a timestamp (verify.ts), plus a minute of clock skew. */
const REMEMBER_SECONDS = 5 * 60 + 60;

/**
 * What the slack function does with a verified request:
 *  - `first`: never seen, handle it;
 *  - `retry-of-accepted`: Slack's retry (`X-Slack-Retry-Num`) of a request already handled: ack
 *    it (200, empty) and queue nothing, or the command would run twice;
 *  - `replay`: the same signed request again without a retry header (someone replaying a captured
 *    request within its 5-minute window): refused.
 */
export type Admission = 'first' | 'retry-of-accepted' | 'replay';

export interface ReplayCache {
  admit(event: APIGatewayProxyEventV2, now: Date): Promise<Admission>;
}

/**
 * One conditional put per request. The item is keyed by the digest of the signed body, not by the
 * (timestamp, signature) pair alone: a pair always maps to one body, so each pair is still
 * accepted once, and a retry Slack signs again with a new timestamp is recognised as well (its
 * body, trigger_id included, is the same). Powertools' idempotency does not fit the ack path:
 * it stores a result to replay, which needs a second write after handling; here the first write
 * is the whole decision.
 */
export function replayCache(table: CoordinationTable): ReplayCache {
  return {
    async admit(event, now) {
      const headers = event.headers ?? {};
      const timestamp = Number(headers['x-slack-request-timestamp'] ?? '0');
      const digest = createHash('sha256')
        .update(event.body ?? '')
        .digest('base64url');
      const until = Math.max(timestamp, epochSeconds(now)) + REMEMBER_SECONDS;
      if (await putIfAbsent(table, itemId('replay', digest), {}, until, now)) return 'first';
      return headers['x-slack-retry-num'] ? 'retry-of-accepted' : 'replay';
    },
  };
}

/** The Function URL answer for a request that is not handled again. */
export function admissionResponse(admission: Exclude<Admission, 'first'>): APIGatewayProxyStructuredResultV2 {
  return admission === 'retry-of-accepted'
    ? // Slack stops retrying on any 2xx; `x-slack-no-retry` says so explicitly.
      { statusCode: 200, headers: { 'x-slack-no-retry': '1' }, body: '' }
    : { statusCode: 409, headers: { 'content-type': 'text/plain' }, body: 'request already received' };
}
