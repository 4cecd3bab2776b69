import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CoordinationTable } from '@ec2ops/functions/coordination/table';
import { type DynamoEmulator, startDynamoEmulator } from '@ec2ops/sandbox/dynamo/server';
import { type Harness, type HarnessOptions, startHarness } from '../slack/harness';

export interface CoordinatedHarness extends Harness {
  dynamo: DynamoEmulator;
  table: CoordinationTable;
}

/** A coordination table on dynalite (in process, free port), reached through the real SDK client. */
export async function startTable(): Promise<{ dynamo: DynamoEmulator; table: CoordinationTable }> {
  const dynamo = await startDynamoEmulator({ port: 0 });
  const name = `ec2ops-test-coordination-${randomBytes(4).toString('hex')}`;
  await dynamo.createCoordinationTable(name);
  const client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
  return { dynamo, table: { client, name } };
}

/** The whole front door (test/slack/harness.ts) with both functions on one coordination table. */
export async function startCoordinatedHarness(options: HarnessOptions = {}): Promise<CoordinatedHarness> {
  const { dynamo, table } = await startTable();
  const harness = await startHarness({ ...options, coordination: table });
  return {
    ...harness,
    dynamo,
    table,
    async close() {
      await harness.close();
      table.client.destroy();
      await dynamo.close();
    },
  };
}

/** Starts every call at the same moment (a barrier), and waits for all of them. */
export async function allAtOnce<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  let open!: () => void;
  const barrier = new Promise<void>((resolve) => {
    open = resolve;
  });
  const running = Array.from({ length: n }, async (_, i) => {
    await barrier;
    return call(i);
  });
  open();
  return Promise.all(running);
}
