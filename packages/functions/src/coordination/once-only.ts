import { createHash } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { type CoordinationTable, ITEM_KINDS, KEY_ATTR, TTL_ATTR } from './table';

/** Done (delete the message) or failed (SQS redelivers it). The worker's per-message answer. */
export type MessageOutcome = 'done' | 'retry';

/**
 * Once-only handling of queue messages with Powertools' idempotency on the coordination table:
 * the first delivery of a request runs and its outcome is stored; a later delivery of the same
 * request gets the stored outcome without running (no second EC2 change, no second reply); a
 * delivery that arrives while the first still runs is put back on the queue (`retry`), and by the
 * time SQS shows it again the first has finished, so it, too, gets the stored outcome.
 * A run that fails is not stored, so SQS's redelivery runs it again.
 */
export interface OnceOnly {
  /** Lets an in-progress record expire when this invocation's time is up (a crashed run). */
  begin(context: Context | undefined): void;
  /** Runs `work` unless a run with the same `key` finished or is running. */
  run(key: string, work: () => Promise<MessageOutcome>): Promise<MessageOutcome>;
}

/** How long a finished request is remembered: past any redelivery; older commands are stale anyway. */
export const REMEMBER_SECONDS = 24 * 60 * 60;

class RunAgain extends Error {}

export function onceOnlyMessages(table: CoordinationTable): OnceOnly {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: table.name,
    awsSdkV3Client: table.client,
    keyAttr: KEY_ATTR,
    expiryAttr: TTL_ATTR,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: REMEMBER_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const once = makeIdempotent(
    async (_payload: { key: string }, work: () => Promise<MessageOutcome>): Promise<MessageOutcome> => {
      const outcome = await work();
      // Throwing keeps the failure out of the store: the redelivery must run, not replay 'retry'.
      if (outcome === 'retry') throw new RunAgain();
      return outcome;
    },
    // The prefix without the trailing '#' Powertools adds: records are `idem#<hash>` (ITEM_KINDS).
    { persistenceStore, config, keyPrefix: ITEM_KINDS.idempotency.prefix.slice(0, -1) },
  );
  return {
    begin(context) {
      if (context?.getRemainingTimeInMillis) config.registerLambdaContext(context);
    },
    async run(key, work) {
      try {
        return await once({ key }, work);
      } catch (error) {
        if (error instanceof RunAgain || error instanceof IdempotencyAlreadyInProgressError) return 'retry';
        throw error;
      }
    },
  };
}

/**
 * The once-only key of a queue message body: a command by its ec2ops request id, a decision by
 * the approval it decides (the signed token names it; Approve and Deny carry the same token, so
 * a second decision of one approval never runs). Notices and audit lines have none: posting one
 * twice is harmless and cheaper than a record.
 */
export function onceOnlyKey(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { kind?: string; request?: { id?: unknown }; token?: unknown };
    if (message.kind === 'command' && typeof message.request?.id === 'string')
      return `command:${message.request.id}`;
    if (message.kind === 'decision' && typeof message.token === 'string')
      return `decision:${createHash('sha256').update(message.token).digest('base64url')}`;
  } catch {
    // Unreadable: the worker logs it and lets it reach the DLQ.
  }
  return undefined;
}
