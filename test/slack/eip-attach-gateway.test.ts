import {
  AllocateAddressCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core/config';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { type Ec2Emulator, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import { functionCredentials, SANDBOX_CREDENTIALS, stageEnforcer } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorContext, queuedRequest } from './fixtures';

/**
 * `/ec2 eip attach` to an instance in a VPC without an internet gateway: EC2 refuses the
 * association (Gateway.NotAttached) after the address is allocated, and the worker must give the
 * address back, so no billed, idle address is left behind. The executor runs against the EC2
 * emulator through the real SDK.
 */
const config = parseStageConfig({ stage: 'test', regions: ['us-east-1'] });
let emulator: Ec2Emulator;
/** Set-up and inspection: the sandbox's own full-access key. */
let ec2: EC2Client;
/** The executor's client: signs as `Worker`, held to the worker's generated policy. */
let worker: EC2Client;
beforeAll(async () => {
  emulator = await startEc2Emulator({
    log: () => {},
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    interceptors: [stageEnforcer(config).interceptor],
  });
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  ec2 = client({ ...SANDBOX_CREDENTIALS });
  worker = client(functionCredentials('worker'));
});
afterAll(async () => {
  ec2?.destroy();
  worker?.destroy();
  await emulator?.close();
});

async function instanceWithoutGateway(): Promise<string> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.60.1.0/24' }),
  );
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const tags = { 'ec2ops:managed': 'true', 'ec2ops:owner': 'UOPERATOR', Name: 'no-gateway' };
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images![0]!.ImageId!,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet.Subnet!.SubnetId!,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return out.Instances![0]!.InstanceId!;
}

const addresses = async () => (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];

describe('/ec2 eip attach, in a VPC without an internet gateway', () => {
  it('says why, and releases the address it allocated', async () => {
    const box = await instanceWithoutGateway();
    // Someone else's address in the account stays untouched.
    const unrelated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const request = queuedRequest({
      id: 'r-0000nogateway',
      command: 'eip attach',
      args: { instance: box },
      text: `eip attach ${box}`,
    });
    // SQS may deliver it twice: each delivery refuses the same way and leaves nothing behind.
    for (let delivery = 0; delivery < 2; delivery += 1) {
      await expect(EXECUTORS['eip attach']!(executorContext(request, config, worker))).rejects.toMatchObject({
        code: 'eip.no-internet-gateway',
        message: expect.stringContaining('without an internet gateway'),
      });
      expect((await addresses()).map((a) => a.AllocationId)).toEqual([unrelated.AllocationId]);
    }
  });
});
