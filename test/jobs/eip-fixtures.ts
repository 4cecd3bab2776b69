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
import type { FunctionName } from '@ec2ops/core/capability';
import { SANDBOX_STAGE } from '@ec2ops/core/config';
import { EC2_MAX_ATTEMPTS, type Ec2ClientOptions, ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import type { IamEnforcer } from '@ec2ops/sandbox/iam/enforce';
import { functionCredentials, SANDBOX_CREDENTIALS, stageEnforcer } from '@ec2ops/sandbox/iam/stage-policies';

export const DAY = 86_400_000;
export const NOW = new Date('2026-11-23T15:00:00.000Z');
export const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

export interface EipWorld {
  emulator: Ec2Emulator;
  /** Set-up and inspection clients: they sign with the sandbox's own full-access key. */
  ec2: (region: string) => EC2Client;
  /**
   * The clients a job (or handler) runs with: signed as the function's deployed name, and from
   * now on the emulator holds every function to the policy `config` generates (default:
   * `stageConfig()`), so a call outside it fails the test as it would fail in production.
   */
  as: (fn: FunctionName, config?: StageConfig) => (region: string) => EC2Client;
  /** Point enforcement at the policies of `config` (the config a CLI or handler run uses). */
  enforce(config: StageConfig): void;
  /**
   * The access key `ec2ops job run` signs with as `fn`; enforcement follows `config`, by default
   * the sandbox stage (what `job run` uses without `--config`).
   */
  cli(fn: FunctionName, config?: StageConfig): string;
  /** The emulator's IAM denials so far (empty when every call was inside the policy). */
  denials: IamEnforcer['denials'];
  close(): Promise<void>;
}

/**
 * An emulator on a free loopback port that enforces the stage's generated IAM (as the sandbox
 * does), and job-style clients (adaptive retry) pointed at it.
 */
export async function startWorld(
  options: Ec2EmulatorOptions = {},
  clientOptions: Ec2ClientOptions = {},
): Promise<EipWorld> {
  let enforcer = stageEnforcer(stageConfig());
  const emulator = await startEc2Emulator({
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    log: () => {},
    ...options,
    // IAM first, as in the sandbox: a denied call changes nothing and meets no fault.
    interceptors: [(request) => enforcer.interceptor(request), ...(options.interceptors ?? [])],
  });
  const clients: EC2Client[] = [];
  const factory = (credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const build = ec2ClientsByRegion({ endpoint: emulator.url, credentials, ...clientOptions });
    return (region: string) => {
      const client = build(region);
      clients.push(client);
      return client;
    };
  };
  // One factory per function, so a test can count calls on the very client a job then uses.
  const byFunction = new Map<FunctionName, (region: string) => EC2Client>();
  const world: EipWorld = {
    emulator,
    ec2: factory({ ...SANDBOX_CREDENTIALS }),
    as(fn, config = stageConfig()) {
      world.enforce(config);
      let clientsOf = byFunction.get(fn);
      if (!clientsOf) {
        clientsOf = factory(functionCredentials(fn));
        byFunction.set(fn, clientsOf);
      }
      return clientsOf;
    },
    enforce(config) {
      enforcer = stageEnforcer(config);
    },
    cli(fn, config = parseStageConfig(SANDBOX_STAGE)) {
      world.enforce(config);
      return functionCredentials(fn).accessKeyId;
    },
    denials: () => enforcer.denials(),
    async close() {
      for (const client of new Set(clients)) client.destroy();
      await emulator.close();
    },
  };
  return world;
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
