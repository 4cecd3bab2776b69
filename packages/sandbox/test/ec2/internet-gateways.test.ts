import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonImageId, errorOf, type Harness, startHarness } from './sg-eip-harness';

let h: Harness;
let imageId: string;
beforeAll(async () => {
  h = await startHarness();
  imageId = await amazonImageId(h);
});
afterAll(async () => {
  await h?.close();
});

const stateText = async () => JSON.stringify((await h.control('GET', '/_emulator/state')).json);

async function vpcWithSubnet(): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = await h.ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnet = await h.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24' }));
  return { vpcId, subnetId: subnet.Subnet!.SubnetId! };
}

async function createGateway(name?: string): Promise<string> {
  const out = await h.ec2.send(
    new CreateInternetGatewayCommand({
      TagSpecifications: name
        ? [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: name }] }]
        : undefined,
    }),
  );
  return out.InternetGateway!.InternetGatewayId!;
}

async function gateway(id: string) {
  const out = await h.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
  return out.InternetGateways![0]!;
}

async function runIn(subnetId: string, publicIp?: boolean): Promise<string> {
  const out = await h.ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      ...(publicIp === undefined
        ? { SubnetId: subnetId }
        : {
            NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, AssociatePublicIpAddress: publicIp }],
          }),
    }),
  );
  return out.Instances![0]!.InstanceId!;
}

describe('internet gateways', () => {
  it('the default VPC has one, attached', async () => {
    const vpcs = await h.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
    );
    const vpcId = vpcs.Vpcs![0]!.VpcId!;
    const out = await h.ec2.send(
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }),
    );
    expect(out.InternetGateways).toHaveLength(1);
    expect(out.InternetGateways![0]).toMatchObject({
      InternetGatewayId: expect.stringMatching(/^igw-[0-9a-f]{17}$/),
      OwnerId: '123456789012',
      Attachments: [{ State: 'available', VpcId: vpcId }],
    });
  });

  it('creates a detached, tagged gateway, attaches, detaches and deletes it', async () => {
    const { vpcId } = await vpcWithSubnet();
    const id = await createGateway('edge');
    expect(await gateway(id)).toMatchObject({ Attachments: [], Tags: [{ Key: 'Name', Value: 'edge' }] });
    await h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    expect((await gateway(id)).Attachments).toEqual([{ State: 'available', VpcId: vpcId }]);
    await h.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    expect((await gateway(id)).Attachments).toEqual([]);
    await h.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
    expect(await errorOf(gateway(id))).toMatchObject({
      code: 'InvalidInternetGatewayID.NotFound',
      status: 400,
    });
  });

  it('refuses what EC2 refuses, changing nothing', async () => {
    const { vpcId } = await vpcWithSubnet();
    const other = await vpcWithSubnet();
    const id = await createGateway();
    const second = await createGateway();
    await h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    const before = await stateText();
    const cases: [Promise<unknown>, string][] = [
      [h.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })), 'DependencyViolation'],
      [
        h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: other.vpcId })),
        'Resource.AlreadyAssociated',
      ],
      [
        h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcId })),
        'Resource.AlreadyAssociated',
      ],
      [
        h.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: other.vpcId })),
        'Gateway.NotAttached',
      ],
      [
        h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: 'igw-nope', VpcId: vpcId })),
        'InvalidInternetGatewayID.Malformed',
      ],
      [
        h.ec2.send(
          new AttachInternetGatewayCommand({ InternetGatewayId: 'igw-0123456789abcdef0', VpcId: vpcId }),
        ),
        'InvalidInternetGatewayID.NotFound',
      ],
      [
        h.ec2.send(
          new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: 'vpc-0123456789abcdef0' }),
        ),
        'InvalidVpcID.NotFound',
      ],
      [
        h.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id, DryRun: true })),
        'DependencyViolation',
      ],
      [
        h.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: second, DryRun: true })),
        'DryRunOperation',
      ],
    ];
    for (const [call, code] of cases) expect((await errorOf(call)).code).toBe(code);
    expect(await stateText()).toBe(before);
  });

  it('will not detach while an instance in the VPC holds a public address', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const id = await createGateway();
    await h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    const box = await runIn(subnetId, true);
    expect(
      (await errorOf(h.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }))))
        .code,
    ).toBe('DependencyViolation');
    await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [box] }));
    await h.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    expect((await gateway(id)).Attachments).toEqual([]);
  });

  it('attaches one gateway once when many attach it at the same time', async () => {
    const vpcsUp = await Promise.all([vpcWithSubnet(), vpcWithSubnet(), vpcWithSubnet(), vpcWithSubnet()]);
    const id = await createGateway();
    const results = await Promise.allSettled(
      vpcsUp.map(({ vpcId }) =>
        h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await gateway(id)).Attachments).toHaveLength(1);
  });
});

describe('a VPC without an internet gateway', () => {
  it('refuses an Elastic IP association with Gateway.NotAttached and leaves the address free', async () => {
    const { subnetId } = await vpcWithSubnet();
    const box = await runIn(subnetId);
    const address = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const failed = await errorOf(
      h.ec2.send(new AssociateAddressCommand({ AllocationId: address.AllocationId, InstanceId: box })),
    );
    expect(failed).toMatchObject({ code: 'Gateway.NotAttached', status: 400 });
    expect(failed.message).toMatch(/^Network vpc-[0-9a-f]{17} is not attached to any internet gateway$/);
    const out = await h.ec2.send(new DescribeAddressesCommand({ AllocationIds: [address.AllocationId!] }));
    expect(out.Addresses![0]!.InstanceId).toBeUndefined();
  });

  it('refuses a launch that asks for a public IP, and launches without one', async () => {
    const { subnetId } = await vpcWithSubnet();
    const before = (await h.ec2.send(new DescribeInstancesCommand({}))).Reservations!.length;
    expect((await errorOf(runIn(subnetId, true))).code).toBe('Gateway.NotAttached');
    expect((await h.ec2.send(new DescribeInstancesCommand({}))).Reservations!.length).toBe(before);
    const box = await runIn(subnetId, false);
    const described = await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [box] }));
    expect(described.Reservations![0]!.Instances![0]!.PublicIpAddress).toBeUndefined();
  });

  it('takes an Elastic IP once a gateway is attached', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet();
    const box = await runIn(subnetId);
    const address = await h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const id = await createGateway();
    await h.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    const associated = await h.ec2.send(
      new AssociateAddressCommand({ AllocationId: address.AllocationId, InstanceId: box }),
    );
    expect(associated.AssociationId).toMatch(/^eipassoc-/);
    await h.ec2.send(new DisassociateAddressCommand({ AssociationId: associated.AssociationId }));
  });
});
