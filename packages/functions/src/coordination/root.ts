import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientSettings, type Root } from '../root';
import type { CoordinationTable } from './table';

/**
 * The coordination table of this function, from COORDINATION_TABLE (set by infra/coordination.ts,
 * or by the sandbox); the endpoint (the sandbox's dynalite) and credentials come from the root.
 * Undefined when unset: the function then runs without the promises the table keeps, and says so.
 * `ackPath`: the slack function has Slack's 3 seconds, so one quick retry at most.
 */
export function coordinationTable(root: Root, options: { ackPath: boolean }): CoordinationTable | undefined {
  const name = root.env['COORDINATION_TABLE'];
  if (!name) return undefined;
  const settings = awsClientSettings(root, root.endpoints.dynamodb);
  const client = options.ackPath
    ? new DynamoDBClient({
        ...settings,
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 500, requestTimeout: 1000 },
      })
    : new DynamoDBClient(settings);
  return { client, name };
}

export const NO_TABLE_WARNING =
  'COORDINATION_TABLE is not set: duplicate deliveries, double clicks, replays and concurrent launches are not guarded';
