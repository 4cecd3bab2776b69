import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeVpcsCommand,
  EC2Client,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, interrupt, type Running, runCli } from '../../../../test/e2e/cli';
import { SANDBOX_CREDENTIALS } from '../../src/iam/stage-policies';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

/**
 * IAM is on by default: the sandbox's EC2 emulator holds every caller to the policy its access key
 * names (the functions' generated policies, the sandbox's own full-access key), and
 * `ec2ops emulator --iam FILE` does the same with the file `ec2ops iam --json` prints.
 */
const clients: EC2Client[] = [];
const as = (endpoint: string, accessKeyId: string) => {
  const client = new EC2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'any' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};
afterAll(() => {
  for (const client of clients) client.destroy();
});

describe('the sandbox enforces each function’s generated policy by default', () => {
  let dir: string;
  let sandbox: Sandbox;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ec2ops-sandbox-iam-'));
    sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, seed: false, log: () => {} });
  });
  afterAll(async () => {
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers UnauthorizedOperation to a call signed as Worker outside its policy, and changes nothing', async () => {
    const admin = as(sandbox.endpoints.ec2, SANDBOX_CREDENTIALS.accessKeyId);
    const worker = as(sandbox.endpoints.ec2, 'Worker');
    const vpcs = async () => (await admin.send(new DescribeVpcsCommand({}))).Vpcs?.length;
    const before = await vpcs();
    // Five at once: each is refused on its own, none slips through.
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) => worker.send(new CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }))),
    );
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'allowed'))).toEqual(
      Array(5).fill('UnauthorizedOperation'),
    );
    expect(await vpcs()).toBe(before);
    // Inside its policy, the same caller is served.
    await expect(worker.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });

  it('answers AuthFailure to a key no function holds', async () => {
    await expect(
      as(sandbox.endpoints.ec2, 'AKIDNOBODY').send(new DescribeInstancesCommand({})),
    ).rejects.toMatchObject({ name: 'AuthFailure' });
  });
});

describe('ec2ops emulator --iam FILE, with the file ec2ops iam --stage sandbox --json prints', () => {
  let dir: string;
  let emulator: Running | undefined;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ec2ops-emulator-iam-'));
    const printed = runCli(['iam', '--stage', 'sandbox', '--json']);
    expect(await printed.exited).toBe(0);
    const policies = JSON.parse(printed.output()) as Record<string, unknown>;
    const file = join(dir, 'policies.json');
    // A full-access key for the test's own set-up, as the sandbox has one.
    await writeFile(file, JSON.stringify({ ...policies, Operator: '*' }));
    emulator = runCli(['emulator', '--port', '0', '--iam', file]);
    url = await eventually(
      () => `the emulator to listen\n${emulator?.output()}`,
      () => /listening on (http:\/\/\S+)/.exec(emulator?.output() ?? '')?.[1],
    );
  }, 240_000);
  afterAll(async () => {
    if (emulator) await interrupt(emulator);
    await rm(dir, { recursive: true, force: true });
  });

  it('holds EipCleanupJob to its policy: no release of an address ec2ops does not manage', async () => {
    const operator = as(url, 'Operator');
    const job = as(url, 'EipCleanupJob');
    const { AllocationId } = await operator.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await expect(job.send(new ReleaseAddressCommand({ AllocationId }))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
      message: expect.stringContaining('ec2:ReleaseAddress'),
    });
    const addresses = await job.send(new DescribeAddressesCommand({}));
    expect(addresses.Addresses?.map((a) => a.AllocationId)).toEqual([AllocationId]);
  });

  it('refuses a key the file does not name with AuthFailure', async () => {
    await expect(as(url, 'AKIDNOBODY').send(new DescribeAddressesCommand({}))).rejects.toMatchObject({
      name: 'AuthFailure',
    });
  });
});
