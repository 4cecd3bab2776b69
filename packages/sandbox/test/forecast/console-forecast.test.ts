import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { Forecast } from '@ec2ops/core/forecast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/iam/stage-policies';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

let sandbox: Sandbox;
let dir: string;

async function forecast(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.endpoints.console}console/api/forecast`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** What the jobs would change in the sandbox's us-east-1: instance states, addresses, images. */
async function account(): Promise<unknown> {
  const ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: sandbox.endpoints.ec2,
    credentials: SANDBOX_CREDENTIALS,
  });
  try {
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({}));
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({}));
    const { Images } = await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    return {
      instances: (Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => [i.InstanceId, i.State?.Name, i.Tags]),
      addresses: (Addresses ?? []).map((a) => [a.AllocationId, a.Tags]),
      images: (Images ?? []).map((i) => i.ImageId),
    };
  } finally {
    ec2.destroy();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-console-forecast-'));
  sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the console's Forecast tab", () => {
  it("forecasts the sandbox account's next days and leaves the sandbox as it was", async () => {
    const before = await account();
    const { status, json } = await forecast({ days: 3 });
    expect(status).toBe(200);
    const result = json as unknown as Forecast;
    expect(result.perDay).toHaveLength(3);
    expect(result.items.map((i) => `${i.job} ${i.action}`)).toEqual(
      expect.arrayContaining(['eip-cleanup release', 'port-sweep revoke', 'ami-bake bake']),
    );
    // The jobs applied on a copy: the sandbox's clock did not move and its account did not change.
    expect(sandbox.clock.offset).toBe(0);
    expect(sandbox.scheduler.view().runs).toEqual([]);
    expect(await account()).toEqual(before);
  });

  it('gives two people forecasting at once the same answer, each on a copy of its own', async () => {
    // Images baked during the forecast get ids (and names, by the minute) of their own in each copy.
    const before = await account();
    const both = await Promise.all([forecast({ days: 2 }), forecast({ days: 2 })]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = both.map((r) =>
      (r.json as unknown as Forecast).items.map(
        (i) => `${i.day} ${i.job} ${i.action} ${i.resource.replace(/\d{8}-\d{4}|\bami-[0-9a-f]+/g, '…')}`,
      ),
    );
    expect(a!.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(await account()).toEqual(before);
  });

  it.each([[{ days: 0 }], [{ days: 40 }], [{ days: 'soon' }]])(
    'refuses %j with a 400 and a reason',
    async (body) => {
      const { status, json } = await forecast(body);
      expect(status).toBe(400);
      expect(json.error).toMatch(/whole number from 1 to 31/);
    },
  );
});
