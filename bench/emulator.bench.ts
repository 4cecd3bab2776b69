/**
 * The EC2 emulator's throughput and footprint: DescribeInstances over 1,000 instances (every
 * instance in each response), through @aws-sdk/client-ec2 and as raw form-encoded POSTs, and the
 * heap used by 10,000 instances with their 10,000 root volumes.
 *
 * Run alone: `npx tsx bench/emulator.bench.ts`.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  paginateDescribeInstances,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseQuery } from '@ec2ops/sandbox/ec2/query';
import { invoke } from '@ec2ops/sandbox/ec2/registry';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { actionResponseXml } from '@ec2ops/sandbox/ec2/xml';

const INSTANCES = 1000;
const MEMORY_INSTANCES = 10_000;
const SECONDS = 3;
const CONCURRENCY = 8;

export interface EmulatorBenchResult {
  name: string;
  ok: boolean;
  describeInstances: {
    instances: number;
    responseBytes: number;
    sdkRequestsPerSecond: number;
    rawRequestsPerSecond: number;
    filteredSdkRequestsPerSecond: number;
    /** CPU time the emulator spends on one DescribeInstances (handler + XML), without HTTP. */
    serverCpuMsPerRequest: number;
  };
  memory: {
    resources: string;
    heapUsedMiB: number;
    bytesPerInstance: number;
    /** After one DescribeInstances of all of them: the emulator caches each instance's XML. */
    heapUsedAfterDescribeMiB: number;
    stateJsonMiB: number;
  };
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as (() => void) | undefined;
  collect?.();
  collect?.();
}

async function rate(work: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await work();
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return Math.round(done / ((performance.now() - started) / 1000));
}

function client(url: string): EC2Client {
  return new EC2Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
}

async function throughput(): Promise<EmulatorBenchResult['describeInstances']> {
  const emulator = await startEc2Emulator({ delays: { instancePending: 0 } });
  const ec2 = client(emulator.url);
  try {
    const images = await ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
      }),
    );
    await ec2.send(
      new RunInstancesCommand({
        ImageId: images.Images![0]!.ImageId!,
        InstanceType: 't3.micro',
        MinCount: INSTANCES,
        MaxCount: INSTANCES,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] }],
      }),
    );
    const check = await ec2.send(new DescribeInstancesCommand({}));
    const count = (check.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
    if (count !== INSTANCES) throw new Error(`expected ${INSTANCES} instances, saw ${count}`);
    const body = 'Action=DescribeInstances&Version=2016-11-15';
    const raw = async () => {
      const response = await fetch(emulator.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return response.arrayBuffer();
    };
    const responseBytes = (await raw()).byteLength;
    const sdkRequestsPerSecond = await rate(() => ec2.send(new DescribeInstancesCommand({})));
    const rawRequestsPerSecond = await rate(raw);
    const filteredSdkRequestsPerSecond = await rate(() =>
      ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ['i-0123456789abcdef0'] }] }),
      ),
    );
    const rounds = 10;
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i += 1) {
      const params = parseQuery(body);
      actionResponseXml(
        'DescribeInstances',
        'bench',
        invoke({
          store: emulator.store,
          action: 'DescribeInstances',
          params,
          region: 'us-east-1',
          requestId: 'bench',
        }),
      );
    }
    const used = process.cpuUsage(cpu);
    const serverCpuMsPerRequest = Number(((used.user + used.system) / 1000 / rounds).toFixed(1));
    return {
      instances: INSTANCES,
      responseBytes,
      sdkRequestsPerSecond,
      rawRequestsPerSecond,
      filteredSdkRequestsPerSecond,
      serverCpuMsPerRequest,
    };
  } finally {
    ec2.destroy();
    await emulator.close();
  }
}

async function memory(): Promise<EmulatorBenchResult['memory']> {
  const emulator = await startEc2Emulator({ delays: { instancePending: 0 } });
  const ec2 = client(emulator.url);
  try {
    // A /18 subnet: the default /20 subnets hold about 4,000 addresses each.
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.0.0.0/18' }),
    );
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const imageId = images.Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let launched = 0; launched < MEMORY_INSTANCES; launched += 1000) {
      await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 'm7i.large',
          SubnetId: Subnet!.SubnetId!,
          MinCount: 1000,
          MaxCount: 1000,
          TagSpecifications: [
            {
              ResourceType: 'instance',
              Tags: [
                { Key: 'ec2ops:owner', Value: 'U123' },
                { Key: 'Name', Value: `bench-${launched}` },
              ],
            },
          ],
        }),
      );
    }
    gc();
    const heapUsed = process.memoryUsage().heapUsed - before;
    const stateJson = JSON.stringify(emulator.store.toJSON()).length;
    let described = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, {})) {
      described += (page.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
    }
    if (described !== MEMORY_INSTANCES) throw new Error(`described ${described} instances`);
    gc();
    const heapAfterDescribe = process.memoryUsage().heapUsed - before;
    return {
      resources: `${MEMORY_INSTANCES} instances + ${MEMORY_INSTANCES} volumes`,
      heapUsedMiB: Number((heapUsed / 1024 / 1024).toFixed(1)),
      bytesPerInstance: Math.round(heapUsed / MEMORY_INSTANCES),
      heapUsedAfterDescribeMiB: Number((heapAfterDescribe / 1024 / 1024).toFixed(1)),
      stateJsonMiB: Number((stateJson / 1024 / 1024).toFixed(1)),
    };
  } finally {
    ec2.destroy();
    await emulator.close();
  }
}

export async function run(): Promise<EmulatorBenchResult> {
  const describeInstances = await throughput();
  const mem = await memory();
  return {
    name: `emulator: DescribeInstances over ${INSTANCES} instances; heap for ${MEMORY_INSTANCES} instances`,
    ok:
      describeInstances.sdkRequestsPerSecond > 0 &&
      describeInstances.rawRequestsPerSecond > 0 &&
      mem.heapUsedMiB > 0,
    describeInstances,
    memory: mem,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
