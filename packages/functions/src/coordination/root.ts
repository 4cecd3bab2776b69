import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CoordinationTable } from './table';

/**
 * The coordination table of this function, from COORDINATION_TABLE (set by infra/coordination.ts,
 * or by the sandbox). AWS_ENDPOINT_URL_DYNAMODB (the sandbox's dynalite) is read by the SDK.
 * Undefined when unset: the function then runs without the promises the table keeps, and says so.
 * `ackPath`: the slack function has Slack's 3 seconds, so one quick retry at most.
 */
export function coordinationTable(
  env: Record<string, string | undefined>,
  options: { ackPath: boolean },
): CoordinationTable | undefined {
  const name = env['COORDINATION_TABLE'];
  if (!name) return undefined;
  const client = options.ackPath
    ? new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 500, requestTimeout: 1000 } })
    : new DynamoDBClient({});
  return { client, name };
}

export const NO_TABLE_WARNING =
  'COORDINATION_TABLE is not set: duplicate deliveries, double clicks, replays and concurrent launches are not guarded';
