import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseStageConfig, type StageConfig } from '@ec2ops/core';
import { EC2_MAX_ATTEMPTS, type Ec2ClientOptions, ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';

export const DAY = 86_400_000;
export const NOW = new Date('2026-11-23T15:00:00.000Z');
export const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

export interface EipWorld {
  emulator: Ec2Emulator;
  ec2: (region: string) => EC2Client;
  close(): Promise<void>;
}

/** An emulator on a free loopback port and job-style clients (adaptive retry) pointed at it. */
export async function startWorld(
  options: Ec2EmulatorOptions = {},
  clientOptions: Ec2ClientOptions = {},
): Promise<EipWorld> {
  const emulator = await startEc2Emulator({
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    log: () => {},
    ...options,
  });
  const clients = new Map<string, EC2Client>();
  const build = ec2ClientsByRegion({
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    ...clientOptions,
  });
  const ec2 = (region: string) => {
    const client = build(region);
    clients.set(region, client);
    return client;
  };
  return {
    emulator,
    ec2,
    async close() {
      for (const client of clients.values()) client.destroy();
      await emulator.close();
    },
  };
}

/**
 * The SDK's retry loop as the job clients run it (retryable errors, up to EC2_MAX_ATTEMPTS) but
 * 1 ms apart: the SDK's back-off after a throttle (0.5 s and up) only makes a test wait.
 */
export function quickRetry(maxAttempts = EC2_MAX_ATTEMPTS): NonNullable<Ec2ClientOptions['retryStrategy']> {
  const token = (retries: number) => ({ getRetryCount: () => retries, getRetryDelay: () => 1 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const retries = previous.getRetryCount() + 1;
      // Throwing ends the loop: the SDK then throws the request's own error.
      if (info.errorType === 'CLIENT_ERROR' || retries >= maxAttempts) throw new Error('no more retries');
      return token(retries);
    },
    recordSuccess: () => {},
  };
}

/**
 * The same account on a new emulator started with `--faults spec`: fixtures are set up without
 * faults, then only the job meets them (retrying as the job clients do, without the waits).
 */
export async function withFaults(world: EipWorld, spec: string): Promise<EipWorld> {
  const state = world.emulator.store.toJSON();
  await world.close();
  const faulty = await startWorld({ faults: spec }, { retryStrategy: quickRetry() });
  faulty.emulator.store.load(state);
  return faulty;
}

export function stageConfig(overrides: Record<string, unknown> = {}): StageConfig {
  return parseStageConfig({ stage: 'test', regions: ['us-east-1'], ...overrides });
}

/** AllocateAddress fixture: a VPC address tagged Name=<name> plus `tags`. */
export async function allocateAddress(
  ec2: EC2Client,
  name: string,
  tags: Record<string, string> = {},
): Promise<string> {
  const out = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const id = out.AllocationId!;
  await ec2.send(
    new CreateTagsCommand({
      Resources: [id],
      Tags: Object.entries({ Name: name, ...tags }).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return id;
}

/** RunInstances fixture: one running instance to associate addresses with. */
export async function runInstance(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const imageId =
    images.Images?.find((i) => i.Architecture === 'x86_64')?.ImageId ?? images.Images?.[0]?.ImageId;
  const out = await ec2.send(
    new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
  );
  const id = out.Instances![0]!.InstanceId!;
  for (let i = 0; i < 50; i += 1) {
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    if (d.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running') return id;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`instance ${id} did not reach running`);
}

export async function associate(ec2: EC2Client, allocationId: string, instanceId: string): Promise<void> {
  await ec2.send(
    new AssociateAddressCommand({
      AllocationId: allocationId,
      InstanceId: instanceId,
      AllowReassociation: true,
    }),
  );
}

/** What remains in a region, by Name tag: its tags (Name left out) and whether it is associated. */
export async function remaining(
  ec2: EC2Client,
): Promise<Record<string, { tags: Record<string, string>; associated: boolean }>> {
  const out = await ec2.send(new DescribeAddressesCommand({}));
  const result: Record<string, { tags: Record<string, string>; associated: boolean }> = {};
  for (const address of out.Addresses ?? []) {
    const tags: Record<string, string> = {};
    let name = address.AllocationId!;
    for (const tag of address.Tags ?? []) {
      if (tag.Key === 'Name') name = tag.Value!;
      else tags[tag.Key!] = tag.Value!;
    }
    result[name] = { tags, associated: Boolean(address.AssociationId) };
  }
  return result;
}
