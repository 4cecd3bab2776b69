import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Ec2opsError } from '@ec2ops/core/errors';
import {
  type CoordinationTable,
  epochSeconds,
  isConditionFailed,
  itemId,
  KEY_ATTR,
  putIfAbsent,
} from './table';

export interface Decision {
  approvalId: string;
  decision: 'approve' | 'deny';
  /** The approver's Slack user id. */
  by: string;
  /** ISO-8601 UTC instant of the click. */
  at: string;
}

export type DecisionOutcome = { first: true } | { first: false; earlier: Decision };

/** A later click on an approval someone already decided: told to the clicker only. */
export class AlreadyDecidedError extends Ec2opsError {
  constructor(readonly earlier: Decision) {
    const verb = earlier.decision === 'approve' ? 'approved' : 'denied';
    super(
      'approval.already-decided',
      `This request was already ${verb} by <@${earlier.by}> at ${earlier.at}.`,
      {
        hint: 'Nothing was changed by your click.',
      },
    );
  }
}

/**
 * Records the decision on an approval if it is the first. Why a hand-written conditional put and
 * not Powertools' idempotency: that library replays the first *result* for the same payload,
 * whereas Approve and Deny are different payloads that must conflict, and the loser must learn
 * who won. `keepUntil` is the approval's expiry (or later): while its token verifies, the
 * decision must still be there to refuse the next click.
 */
export async function decideOnce(
  table: CoordinationTable,
  decision: Decision,
  keepUntil: Date,
  now: Date,
): Promise<DecisionOutcome> {
  const first = await putIfAbsent(
    table,
    itemId('decision', decision.approvalId),
    { decision: { S: decision.decision }, by: { S: decision.by }, at: { S: decision.at } },
    epochSeconds(keepUntil),
    now,
  );
  if (first) return { first: true };
  const earlier = await readDecision(table, decision.approvalId);
  // Absent only if it expired between the two calls: the approval itself has expired then too.
  return { first: false, earlier: earlier ?? decision };
}

export async function readDecision(
  table: CoordinationTable,
  approvalId: string,
): Promise<Decision | undefined> {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.name,
      Key: { [KEY_ATTR]: { S: itemId('decision', approvalId) } },
      ConsistentRead: true,
    }),
  );
  const item = out.Item;
  if (!item) return undefined;
  return {
    approvalId,
    decision: item['decision']?.S === 'approve' ? 'approve' : 'deny',
    by: item['by']?.S ?? '?',
    at: item['at']?.S ?? '?',
  };
}

/**
 * Undoes a decision that could not be handed to the worker (the queue refused it), so that the
 * approver's retry is not told "already decided" about a decision that never took effect. Only
 * the same click's record is removed.
 */
export async function withdrawDecision(table: CoordinationTable, decision: Decision): Promise<void> {
  try {
    await table.client.send(
      new DeleteItemCommand({
        TableName: table.name,
        Key: { [KEY_ATTR]: { S: itemId('decision', decision.approvalId) } },
        ConditionExpression: '#by = :by AND #at = :at',
        ExpressionAttributeNames: { '#by': 'by', '#at': 'at' },
        ExpressionAttributeValues: { ':by': { S: decision.by }, ':at': { S: decision.at } },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export type Claim = { first: true; withdraw(): Promise<void> } | { first: false; error: AlreadyDecidedError };

/**
 * The slack function's click-time step: the first Approve/Deny of an approval claims it; any
 * later click gets an AlreadyDecidedError naming who decided what and when. Without a table,
 * every click is "first" (the old behaviour).
 */
export async function claimDecision(
  table: CoordinationTable | undefined,
  decision: Decision,
  keepUntil: Date,
  now: Date,
): Promise<Claim> {
  if (!table) return { first: true, withdraw: async () => {} };
  const outcome = await decideOnce(table, decision, keepUntil, now);
  return outcome.first
    ? { first: true, withdraw: () => withdrawDecision(table, decision) }
    : { first: false, error: new AlreadyDecidedError(outcome.earlier) };
}
