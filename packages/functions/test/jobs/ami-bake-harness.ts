import {
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { parseStageConfig, type StageConfig } from '@ec2ops/core';
import type { JobReport } from '@ec2ops/core/jobs';
import { Ec2ApiError } from '@ec2ops/sandbox/ec2/errors';
import type { Interceptor } from '@ec2ops/sandbox/ec2/interceptors';
import { type Ec2Emulator, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { functionCredentials, SANDBOX_CREDENTIALS, stageEnforcer } from '@ec2ops/sandbox/iam/stage-policies';
import { organizationLookup } from '../../src/accounts/organization';
import { autoScalingClients } from '../../src/autoscaling/launch-configurations';
import { rbinClientsByRegion } from '../../src/ec2/recycle-bin';
import { runJob } from '../../src/jobs/registry';

/**
 * The EC2 emulator on a loopback port, an SDK client for it, and helpers that stand for what
 * earlier bakes left behind (images with a baked-at in the past), so retention can be tested
 * without waiting days.
 */
export const DAY = 86_400_000;
const PREFIX = 'ec2ops:';

export interface BakeHarness {
  emulator: Ec2Emulator;
  ec2: EC2Client;
  /** The base instant runs use: tomorrow 10:00 UTC of the emulator clock (see `at`). */
  base: number;
  at(offsetMs?: number): Date;
  config(bake?: object, extra?: object): StageConfig;
  run(now: Date, config?: StageConfig, dryRun?: boolean): Promise<JobReport>;
  /** A client of another region of the same emulator. */
  client(region: string): EC2Client;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Fails the next `n` requests of `action` with `code` (an interrupted run, a stuck snapshot). */
  failNext(action: string, code: string, n?: number): void;
  clearFaults(): void;
  /** A running instance ec2ops manages (tagged managed=true, as it launches them) with `tags`. */
  instance(tags?: Record<string, string>, options?: { managed?: boolean }): Promise<string>;
  /** The EC2 client the job signs with (`AmiBakeJob`), held to the policy of the last run's config. */
  jobEc2(region?: string): EC2Client;
  /** CreateImage as an earlier bake did it: baked `daysAgo` before `base`, then set to `state`. */
  pastImage(
    source: string,
    daysAgo: number,
    options?: {
      state?: 'available' | 'pending' | 'failed';
      tags?: Record<string, string>;
      managed?: boolean;
    },
  ): Promise<{ imageId: string; snapshotIds: string[] }>;
  imagesOf(source: string): Promise<string[]>;
  snapshotsOf(source: string): Promise<string[]>;
  close(): Promise<void>;
}

let names = 0;

export async function startBakeHarness(): Promise<BakeHarness> {
  const faults = new Map<string, { code: string; left: number }>();
  const interceptor: Interceptor = ({ action }) => {
    const fault = faults.get(action);
    if (fault && fault.left > 0) {
      fault.left -= 1;
      throw new Ec2ApiError(fault.code, `injected by the test: ${fault.code}`);
    }
  };
  let enforcer = stageEnforcer(parseStageConfig({ stage: 'test', regions: ['us-east-1'] }));
  const jobClients = new Map<string, EC2Client>();
  // The job's Recycle Bin clients sign as the job too (the emulator serves rbin on its EC2 port).
  const rbinClient = rbinClientsByRegion({
    get endpoint() {
      return emulator.url;
    },
    credentials: functionCredentials('ami-bake'),
  });
  // Beside each job client, signing as the job: the emulator serves Auto Scaling on its EC2 port.
  const autoScaling = autoScalingClients({
    get endpoint() {
      return emulator.url;
    },
  });
  // The organisation the emulator's hub manages once it has a member account (bake.shareWith: org).
  const organization = organizationLookup(
    () =>
      new OrganizationsClient({
        endpoint: emulator.url,
        region: 'us-east-1',
        credentials: functionCredentials('ami-bake'),
      }),
  );
  const jobClient = (region: string) => {
    let client = jobClients.get(region);
    if (!client) {
      const credentials = functionCredentials('ami-bake');
      client = new EC2Client({ endpoint: emulator.url, region, credentials, maxAttempts: 1 });
      jobClients.set(region, client);
    }
    return client;
  };
  const emulator = await startEc2Emulator({
    delays: {
      instancePending: 0,
      instanceStopping: 0,
      instanceShuttingDown: 0,
      imagePending: 3_600_000,
      snapshotPending: 0,
    },
    // IAM first: the job signs as `AmiBakeJob` and is held to the policy of the config it runs with.
    interceptors: [(request) => enforcer.interceptor(request), interceptor],
    // Auto Scaling is held to the job's policy too (autoscaling:DescribeLaunchConfigurations only).
    authorizeCall: (caller, action, resource, context) => enforcer.allows(caller, action, resource, context),
    log: () => {},
  });
  const ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: SANDBOX_CREDENTIALS,
    maxAttempts: 1,
  });
  const others = new Map<string, EC2Client>();
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const clock = (await control('GET', '/_emulator/clock')) as { now: string };
  const today = Math.floor(Date.parse(clock.now) / DAY) * DAY;
  const base = today + DAY + 10 * 3_600_000;
  const publicImage = (
    await ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
      }),
    )
  ).Images![0]!.ImageId!;

  const list = async (source: string, what: 'images' | 'snapshots') => {
    const filter = [{ Name: `tag:${PREFIX}source-instance`, Values: [source] }];
    if (what === 'images') {
      const out = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filter }));
      return (out.Images ?? []).map((i) => i.ImageId!).sort();
    }
    const out = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filter }));
    return (out.Snapshots ?? []).map((s) => s.SnapshotId!).sort();
  };

  const harness: BakeHarness = {
    emulator,
    ec2,
    base,
    at: (offsetMs = 0) => new Date(base + offsetMs),
    config: (bake = {}, extra = {}) =>
      parseStageConfig({ stage: 'test', production: true, regions: ['us-east-1'], bake, ...extra }),
    run: (now, config = harness.config(), dryRun = false) => {
      enforcer = stageEnforcer(config);
      return runJob('ami-bake', {
        ec2: jobClient,
        rbin: rbinClient,
        autoScaling,
        organization,
        config,
        now,
        dryRun,
      });
    },
    client(region) {
      if (region === 'us-east-1') return ec2;
      let client = others.get(region);
      if (!client) {
        client = new EC2Client({
          endpoint: emulator.url,
          region,
          credentials: SANDBOX_CREDENTIALS,
          maxAttempts: 1,
        });
        others.set(region, client);
      }
      return client;
    },
    control,
    failNext(action, code, n = 1) {
      faults.set(action, { code, left: n });
    },
    clearFaults() {
      faults.clear();
    },
    jobEc2: (region = 'us-east-1') => jobClient(region),
    async instance(tags = {}, options = {}) {
      if (options.managed !== false) tags = { [`${PREFIX}managed`]: 'true', ...tags };
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: publicImage,
          MinCount: 1,
          MaxCount: 1,
          InstanceType: 't3.micro',
          TagSpecifications: [
            { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
          ],
        }),
      );
      return out.Instances![0]!.InstanceId!;
    },
    async pastImage(source, daysAgo, options = {}) {
      names += 1;
      const tags: Record<string, string> = {
        ...(options.managed === false ? {} : { [`${PREFIX}managed`]: 'true' }),
        [`${PREFIX}source-instance`]: source,
        [`${PREFIX}baked-at`]: new Date(base - daysAgo * DAY).toISOString(),
        [`${PREFIX}available-at`]: new Date(base - daysAgo * DAY + 600_000).toISOString(),
        ...options.tags,
      };
      const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      const out = await ec2.send(
        new CreateImageCommand({
          InstanceId: source,
          Name: `past-${names}-${daysAgo}d`,
          NoReboot: true,
          TagSpecifications: [
            { ResourceType: 'image', Tags: list },
            { ResourceType: 'snapshot', Tags: list },
          ],
        }),
      );
      const imageId = out.ImageId!;
      const state = options.state ?? 'available';
      await control('POST', `/_emulator/images/${imageId}/state`, { state, hold: state === 'pending' });
      const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      const snapshotIds = (described.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((m) =>
        m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
      );
      return { imageId, snapshotIds };
    },
    imagesOf: (source) => list(source, 'images'),
    snapshotsOf: (source) => list(source, 'snapshots'),
    async close() {
      ec2.destroy();
      for (const client of [...others.values(), ...jobClients.values()]) client.destroy();
      await emulator.close();
    },
  };
  return harness;
}
