import { type AttributeValue, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * The stage's coordination table: one DynamoDB table, one string partition key `id`, TTL on
 * `expiration` (epoch seconds). Powertools' idempotency records use the same two attribute names
 * (its defaults), so every kind of item shares the table and every item expires.
 * Item ids start with their kind (`idem#`, `decision#`, `replay#`, `launches#`, `lease#`), which
 * IAM's `dynamodb:LeadingKeys` condition uses to give each function only its kinds.
 */
export interface CoordinationTable {
  client: DynamoDBClient;
  name: string;
}

export const KEY_ATTR = 'id';
export const TTL_ATTR = 'expiration';

/** The id prefix of each kind of item (access.ts gives each function its kinds). */
export const ITEM_KINDS = {
  idempotency: { prefix: 'idem#' },
  decision: { prefix: 'decision#' },
  replay: { prefix: 'replay#' },
  launches: { prefix: 'launches#' },
  lease: { prefix: 'lease#' },
  /** A fan-out run over accounts and regions: its record and one item per shard (fleet-run.ts). */
  fleetRun: { prefix: 'fleetrun#' },
  /** How each job run ended, for `/ec2 status` (job-runs.ts). */
  run: { prefix: 'run#' },
} as const;

export type ItemKind = keyof typeof ITEM_KINDS;

export function itemId(kind: ItemKind, ...parts: string[]): string {
  return `${ITEM_KINDS[kind].prefix}${parts.join('#')}`;
}

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** DynamoDB's answer to a condition that did not hold (PutItem/UpdateItem/DeleteItem). */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * DynamoDB deletes expired items lazily (within days), so every condition also treats an item
 * whose `expiration` has passed as absent.
 */
export const ABSENT_OR_EXPIRED = `attribute_not_exists(${KEY_ATTR}) OR ${TTL_ATTR} < :now`;

/**
 * Writes `item` under `id` only if no live item has that id (first writer wins); false when one
 * has. `expiresAt` becomes the item's TTL. The one conditional put decisions, the replay cache and
 * leases share.
 */
export async function putIfAbsent(
  table: CoordinationTable,
  id: string,
  item: Record<string, AttributeValue>,
  expiresAt: number,
  now: Date,
): Promise<boolean> {
  try {
    await table.client.send(
      new PutItemCommand({
        TableName: table.name,
        Item: { [KEY_ATTR]: { S: id }, [TTL_ATTR]: { N: String(expiresAt) }, ...item },
        ConditionExpression: ABSENT_OR_EXPIRED,
        ExpressionAttributeValues: { ':now': { N: String(epochSeconds(now)) } },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
