import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { KEY_ATTR } from '@ec2ops/functions/coordination/table';
import dynalite from 'dynalite';

/** A DynamoDB endpoint in this process (dynalite, in memory with memory-level). */
export interface DynamoEmulator {
  /** For `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  url: string;
  /** Creates the coordination table (idempotent) with the key schema infra/coordination.ts deploys. */
  createCoordinationTable(name: string): Promise<void>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' };

/** Starts dynalite on 127.0.0.1 (`port: 0` for a free one). Tables are ACTIVE at once. */
export async function startDynamoEmulator(options: { port?: number } = {}): Promise<DynamoEmulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials });
  return {
    url,
    async createCoordinationTable(name) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: KEY_ATTR, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: KEY_ATTR, KeyType: 'HASH' }],
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
      }
      // dynalite keeps no TTL sweeper: expired items are treated as absent by every condition.
      await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1 }, { TableName: name });
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The table name the sandbox gives its functions (a deployment's is SST's, see infra/coordination.ts). */
export const SANDBOX_COORDINATION_TABLE = 'ec2ops-sandbox-coordination';

/**
 * dynalite with the coordination table, and the variables that point the functions at it, as
 * infra/coordination.ts does for a deployment. In memory: a restarted sandbox forgets
 * decisions and reservations, which only guard what is in flight.
 */
export async function startSandboxCoordination(): Promise<{
  dynamo: DynamoEmulator;
  env: Record<string, string>;
}> {
  const dynamo = await startDynamoEmulator({ port: 0 });
  await dynamo.createCoordinationTable(SANDBOX_COORDINATION_TABLE);
  return {
    dynamo,
    env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.url, COORDINATION_TABLE: SANDBOX_COORDINATION_TABLE },
  };
}
