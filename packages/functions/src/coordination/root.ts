import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StageConfig } from '@ec2ops/core/config';
import { ConfigError } from '@ec2ops/core/errors';
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

/**
 * The function's coordination table as its stage requires it. A production stage refuses to start
 * without one (ConfigError): there the promises the table keeps are what approvals and limits
 * mean, and running unguarded would break them silently. Other stages (dev, the sandbox without
 * dynalite) warn and run unguarded.
 */
export function stageCoordinationTable(
  root: Root,
  config: Pick<StageConfig, 'production' | 'stage'>,
  warn: (message: string) => void,
  options: { ackPath: boolean },
): CoordinationTable | undefined {
  const table = coordinationTable(root, options);
  if (table) return table;
  if (config.production) {
    throw new ConfigError(`COORDINATION_TABLE is not set, and stage ${config.stage} is a production stage.`, {
      hint: 'Deploy with infra/coordination.ts linked to this function; a production stage does not run without the coordination table.',
    });
  }
  warn(NO_TABLE_WARNING);
  return undefined;
}
