import { createHash } from 'node:crypto';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  type CoordinationTable,
  epochSeconds,
  isConditionFailed,
  itemId,
  KEY_ATTR,
  putIfAbsent,
  TTL_ATTR,
} from './table';

/** How long Slack's signature check accepts a timestamp (verify.ts), plus a minute of clock skew. */
const REMEMBER_SECONDS = 5 * 60 + 60;

/**
 * What the slack function does with a verified request:
 *  - `first`: never seen, handle it;
 *  - `retry-of-accepted`: Slack's retry (`X-Slack-Retry-Num`) of a request already handled: ack
 *    it (200, empty) and queue nothing, or the command would run twice. A retry of a request that
 *    was received but never answered (the function died before enqueuing) is `first` again, once
 *    per retry number;
 *  - `replay`: the same signed request again without a retry header (someone replaying a captured
 *    request within its 5-minute window): refused.
 */
export type Admission = 'first' | 'retry-of-accepted' | 'replay';

export interface ReplayCache {
  admit(event: APIGatewayProxyEventV2, now: Date): Promise<Admission>;
  /** The request was handled (queued, or refused to the user): Slack's retries of it are acked. */
  accepted(event: APIGatewayProxyEventV2): Promise<void>;
}

/**
 * One conditional put per request, and one update once it was handled: an entry only counts as
 * accepted once the request reached the queue (or its refusal reached the user), so a Slack
 * retry after the function died in between is handled rather than acked and lost. The item is keyed by the digest of the signed body, not by the
 * (timestamp, signature) pair alone: a pair always maps to one body, so each pair is still
 * accepted once, and a retry Slack signs again with a new timestamp is recognised as well (its
 * body, trigger_id included, is the same). Powertools' idempotency does not fit the ack path:
 * it stores a result to replay, which needs a second write after handling; here the first write
 * is the whole decision.
 */
export function replayCache(table: CoordinationTable): ReplayCache {
  const idOf = (event: APIGatewayProxyEventV2) =>
    itemId(
      'replay',
      createHash('sha256')
        .update(event.body ?? '')
        .digest('base64url'),
    );
  /** Conditional update of the request's item; false when the condition did not hold. */
  async function update(id: string, set: string, condition: string, values: Record<string, string | number>) {
    try {
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: { [KEY_ATTR]: { S: id } },
          UpdateExpression: set,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: Object.fromEntries(
            Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]),
          ),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
  return {
    async admit(event, now) {
      const headers = event.headers ?? {};
      const timestamp = Number(headers['x-slack-request-timestamp'] ?? '0');
      const until = Math.max(timestamp, epochSeconds(now)) + REMEMBER_SECONDS;
      const id = idOf(event);
      const received = { state: { S: 'received' }, attempt: { N: '0' } };
      if (await putIfAbsent(table, id, received, until, now)) return 'first';
      const retry = Number(headers['x-slack-retry-num'] ?? '0');
      if (!(retry > 0)) return 'replay';
      // Received but never accepted: the first try died before it queued anything (or told the
      // user), so this retry is handled. The retry number is claimed conditionally: two copies
      // of one retry, or a late earlier retry, cannot both be handled.
      const claimed = await update(
        id,
        'SET attempt = :n',
        `#state = :received AND attempt < :n AND ${TTL_ATTR} >= :now`,
        { ':n': retry, ':received': 'received', ':now': epochSeconds(now) },
      );
      return claimed ? 'first' : 'retry-of-accepted';
    },
    async accepted(event) {
      await update(idOf(event), 'SET #state = :accepted', `attribute_exists(${KEY_ATTR})`, {
        ':accepted': 'accepted',
      });
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
