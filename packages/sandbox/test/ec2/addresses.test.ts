import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeAddressesAttributeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  DisassociateAddressCommand,
  type EC2Client,
  ModifyAddressAttributeCommand,
  paginateDescribeAddressesAttribute,
  ReleaseAddressCommand,
  ResetAddressAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVpc,
  amazonImageId,
  errorCode,
  errorOf,
  type Harness,
  startHarness,
  subnetOf,
} from './sg-eip-harness';

let h: Harness;
let imageId: string;
beforeAll(async () => {
  h = await startHarness();
  imageId = await amazonImageId(h);
});
afterAll(async () => {
  await h?.close();
});

async function allocate(
  tags?: Record<string, string>,
  client: EC2Client = h.ec2,
): Promise<{ allocationId: string; publicIp: string }> {
  const out = await client.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: tags
        ? [{ ResourceType: 'elastic-ip', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  return { allocationId: out.AllocationId!, publicIp: out.PublicIp! };
}

async function runningInstance(subnetId?: string, securityGroupIds?: string[]): Promise<string> {
  const out = await h.ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: securityGroupIds,
    }),
  );
  return out.Instances![0]!.InstanceId!;
}

async function publicIpOf(instanceId: string): Promise<string | undefined> {
  const out = await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return out.Reservations![0]!.Instances![0]!.PublicIpAddress;
}

async function describe1(allocationId: string) {
  const out = await h.ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
  return out.Addresses![0]!;
}

/** An instance in a VPC that is not the default one. */
async function instanceInOtherVpc(): Promise<string> {
  const vpcId = addVpc(h);
  const group = await h.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: `eip-${vpcId}`, Description: 'x', VpcId: vpcId }),
  );
  return runningInstance(subnetOf(h, vpcId), [group.GroupId!]);
}

describe('AllocateAddress / DescribeAddresses', () => {
  it('allocates a tagged address from a non-routable block and describes it', async () => {
    const { allocationId, publicIp } = await allocate({ 'ec2ops:managed': 'true' });
    expect(allocationId).toMatch(/^eipalloc-[0-9a-f]{17}$/);
    expect(publicIp).toMatch(/^198\.1[89]\.\d{1,3}\.\d{1,3}$/);
    expect(await describe1(allocationId)).toEqual({
      AllocationId: allocationId,
      PublicIp: publicIp,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: 'us-east-1',
      Tags: [{ Key: 'ec2ops:managed', Value: 'true' }],
    });
  });

  it('gives every region its own addresses', async () => {
    const west = h.client({ region: 'eu-west-1' });
    const a = await allocate(undefined, west);
    const b = await allocate();
    expect(a.publicIp).not.toBe(b.publicIp);
    const inWest = await west.send(new DescribeAddressesCommand({}));
    expect(inWest.Addresses!.map((x) => x.AllocationId)).toEqual([a.allocationId]);
  });

  it('filters server-side by tag, tag key, ids, IPs and domain', async () => {
    const keep = await allocate({ 'filter-test': 'keep', 'ec2ops:keep': 'true' });
    const idle = await allocate({ 'filter-test': 'idle' });
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await h.ec2.send(new DescribeAddressesCommand({ Filters }))).Addresses!.map((a) => a.AllocationId);
    expect(await ids([{ Name: 'tag-key', Values: ['filter-test'] }])).toEqual([
      keep.allocationId,
      idle.allocationId,
    ]);
    expect(await ids([{ Name: 'tag:filter-test', Values: ['k*'] }])).toEqual([keep.allocationId]);
    expect(await ids([{ Name: 'allocation-id', Values: [idle.allocationId] }])).toEqual([idle.allocationId]);
    expect(await ids([{ Name: 'public-ip', Values: [keep.publicIp] }])).toEqual([keep.allocationId]);
    expect(
      await ids([
        { Name: 'domain', Values: ['vpc'] },
        { Name: 'tag-key', Values: ['filter-test'] },
      ]),
    ).toEqual([keep.allocationId, idle.allocationId]);
    const byIp = await h.ec2.send(new DescribeAddressesCommand({ PublicIps: [idle.publicIp] }));
    expect(byIp.Addresses!.map((a) => a.AllocationId)).toEqual([idle.allocationId]);
  });

  it('answers every address in one response: EC2 does not paginate DescribeAddresses', async () => {
    const region = h.client({ region: 'ap-southeast-2' });
    for (let i = 0; i < 40; i += 1) await allocate(undefined, region);
    const out = await region.send(new DescribeAddressesCommand({}));
    expect(out.Addresses).toHaveLength(40);
    expect(new Set(out.Addresses!.map((a) => a.PublicIp)).size).toBe(40);
  });

  it('refuses unknown and malformed ids and unknown IPs', async () => {
    expect(
      await errorCode(
        h.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] })),
      ),
    ).toBe('InvalidAllocationID.NotFound');
    expect(
      await errorCode(h.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-zz'] }))),
    ).toBe('InvalidAllocationID.Malformed');
    expect(await errorCode(h.ec2.send(new DescribeAddressesCommand({ PublicIps: ['198.51.100.1'] })))).toBe(
      'InvalidAddress.NotFound',
    );
    expect(
      await errorCode(
        h.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'nope', Values: ['x'] }] })),
      ),
    ).toBe('InvalidParameterValue');
  });

  it('answers DryRunOperation and allocates nothing on a dry run', async () => {
    const region = h.client({ region: 'ca-central-1' });
    expect(await errorCode(region.send(new AllocateAddressCommand({ Domain: 'vpc', DryRun: true })))).toBe(
      'DryRunOperation',
    );
    expect(await errorCode(region.send(new DescribeAddressesCommand({ DryRun: true })))).toBe(
      'DryRunOperation',
    );
    expect((await region.send(new DescribeAddressesCommand({}))).Addresses).toEqual([]);
  });
});

describe('tags on addresses', () => {
  it('CreateTags on an allocation id marks it, as the eip-cleanup job does', async () => {
    const { allocationId } = await allocate();
    await h.ec2.send(
      new CreateTagsCommand({
        Resources: [allocationId],
        Tags: [{ Key: 'ec2ops:idle-since', Value: '2026-11-23T15:00:00Z' }],
      }),
    );
    const described = await h.ec2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'tag:ec2ops:idle-since', Values: ['2026-11-23*'] }] }),
    );
    expect(described.Addresses!.map((a) => a.AllocationId)).toEqual([allocationId]);
    const tags = await h.ec2.send(
      new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [allocationId] }] }),
    );
    expect(tags.Tags).toEqual([
      {
        ResourceId: allocationId,
        ResourceType: 'elastic-ip',
        Key: 'ec2ops:idle-since',
        Value: '2026-11-23T15:00:00Z',
      },
    ]);
  });
});

describe('AssociateAddress / DisassociateAddress', () => {
  it('gives a running instance the address as its public IP, and takes it away again', async () => {
    const instanceId = await runningInstance();
    const { allocationId, publicIp } = await allocate();
    expect(
      await errorCode(
        h.ec2.send(
          new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId, DryRun: true }),
        ),
      ),
    ).toBe('DryRunOperation');
    const { AssociationId } = await h.ec2.send(
      new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }),
    );
    expect(AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
    expect(await publicIpOf(instanceId)).toBe(publicIp);
    const described = await describe1(allocationId);
    expect(described).toMatchObject({
      InstanceId: instanceId,
      AssociationId,
      NetworkInterfaceOwnerId: '123456789012',
    });
    expect(described.NetworkInterfaceId).toMatch(/^eni-/);
    expect(described.PrivateIpAddress).toMatch(/^172\.31\./);
    const filtered = async (Name: string, value: string) =>
      (
        await h.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name, Values: [value] }] }))
      ).Addresses!.map((a) => a.AllocationId);
    expect(await filtered('instance-id', instanceId)).toEqual([allocationId]);
    expect(await filtered('association-id', AssociationId!)).toEqual([allocationId]);

    expect(await errorCode(h.ec2.send(new DisassociateAddressCommand({ AssociationId, DryRun: true })))).toBe(
      'DryRunOperation',
    );
    await h.ec2.send(new DisassociateAddressCommand({ AssociationId }));
    expect(await publicIpOf(instanceId)).not.toBe(publicIp);
    const after = await describe1(allocationId);
    expect(after.AssociationId).toBeUndefined();
    expect(after.InstanceId).toBeUndefined();
    expect(await errorCode(h.ec2.send(new DisassociateAddressCommand({ AssociationId })))).toBe(
      'InvalidAssociationID.NotFound',
    );
    expect(await errorCode(h.ec2.send(new DisassociateAddressCommand({ AssociationId: 'eipassoc-x' })))).toBe(
      'InvalidAssociationID.Malformed',
    );
  });

  it('refuses to move an associated address unless reassociation is allowed', async () => {
    const first = await runningInstance();
    const second = await runningInstance();
    const { allocationId, publicIp } = await allocate();
    await h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: first }));
    expect(
      await errorCode(
        h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: second })),
      ),
    ).toBe('Resource.AlreadyAssociated');
    await h.ec2.send(
      new AssociateAddressCommand({
        AllocationId: allocationId,
        InstanceId: second,
        AllowReassociation: true,
      }),
    );
    expect(await publicIpOf(second)).toBe(publicIp);
    expect(await publicIpOf(first)).not.toBe(publicIp);
    expect((await describe1(allocationId)).InstanceId).toBe(second);
  });

  it('associates through the network interface id too', async () => {
    const instanceId = await runningInstance();
    const eni = (await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })))
      .Reservations![0]!.Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const { allocationId } = await allocate();
    await h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni }));
    expect((await describe1(allocationId)).InstanceId).toBe(instanceId);
  });

  it('refuses unknown addresses and instances, and instances that are not running or stopped', async () => {
    const { allocationId } = await allocate();
    expect(
      await errorCode(
        h.ec2.send(
          new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: 'i-0123456789abcdef0' }),
        ),
      ),
    ).toBe('InvalidInstanceID.NotFound');
    expect(
      await errorCode(
        h.ec2.send(
          new AssociateAddressCommand({
            AllocationId: 'eipalloc-0123456789abcdef0',
            InstanceId: 'i-0123456789abcdef0',
          }),
        ),
      ),
    ).toBe('InvalidAllocationID.NotFound');
    expect(await errorCode(h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId })))).toBe(
      'MissingParameter',
    );
    const instanceId = await runningInstance();
    await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    expect(
      await errorCode(
        h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId })),
      ),
    ).toBe('IncorrectInstanceState');
  });

  it('gets its address back, unassociated, when the instance terminates', async () => {
    const instanceId = await runningInstance();
    const { allocationId } = await allocate();
    await h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }));
    await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const address = await describe1(allocationId);
    expect(address.AssociationId).toBeUndefined();
    expect(address.InstanceId).toBeUndefined();
  });
});

describe('ReleaseAddress', () => {
  it('releases an unassociated address, then no longer knows it', async () => {
    const { allocationId } = await allocate();
    expect(
      await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId, DryRun: true }))),
    ).toBe('DryRunOperation');
    await describe1(allocationId);
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    expect(await errorCode(h.ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] })))).toBe(
      'InvalidAllocationID.NotFound',
    );
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe(
      'InvalidAllocationID.NotFound',
    );
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: 'eipalloc-?' })))).toBe(
      'InvalidAllocationID.Malformed',
    );
  });

  it('in the default VPC, silently disassociates an associated address and releases it', async () => {
    const instanceId = await runningInstance();
    const { allocationId, publicIp } = await allocate();
    await h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }));
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    expect(await publicIpOf(instanceId)).not.toBe(publicIp);
    expect(await errorCode(h.ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] })))).toBe(
      'InvalidAllocationID.NotFound',
    );
  });

  it('in any other VPC, refuses to release an associated address (InvalidIPAddress.InUse)', async () => {
    const instanceId = await instanceInOtherVpc();
    const { allocationId, publicIp } = await allocate();
    const { AssociationId } = await h.ec2.send(
      new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }),
    );
    const error = await errorOf(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })));
    expect(error).toMatchObject({ code: 'InvalidIPAddress.InUse', status: 400 });
    expect((await describe1(allocationId)).AssociationId).toBe(AssociationId);
    expect(await publicIpOf(instanceId)).toBe(publicIp);
    await h.ec2.send(new DisassociateAddressCommand({ AssociationId }));
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
  });

  it('refuses while the address has a reverse DNS record (InvalidAddress.PtrSet)', async () => {
    const { allocationId } = await allocate();
    const set = await h.control('POST', `/_emulator/addresses/${allocationId}/ptr`, {
      domainName: 'mail.example.com',
    });
    expect(set).toMatchObject({
      status: 200,
      json: { allocationId, ptrRecord: 'mail.example.com.', locked: false },
    });
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe(
      'InvalidAddress.PtrSet',
    );
    await h.control('DELETE', `/_emulator/addresses/${allocationId}/ptr`);
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
  });

  it('sets and resets the PTR record through the EC2 API as well', async () => {
    const { allocationId, publicIp } = await allocate();
    const modified = await h.ec2.send(
      new ModifyAddressAttributeCommand({ AllocationId: allocationId, DomainName: 'www.example.org' }),
    );
    expect(modified.Address).toMatchObject({
      AllocationId: allocationId,
      PublicIp: publicIp,
      PtrRecord: 'www.example.org.',
    });
    const described = await h.ec2.send(
      new DescribeAddressesAttributeCommand({ AllocationIds: [allocationId], Attribute: 'domain-name' }),
    );
    expect(described.Addresses).toEqual([
      { AllocationId: allocationId, PublicIp: publicIp, PtrRecord: 'www.example.org.' },
    ]);
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe(
      'InvalidAddress.PtrSet',
    );
    await h.ec2.send(
      new ResetAddressAttributeCommand({ AllocationId: allocationId, Attribute: 'domain-name' }),
    );
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
  });

  it('answers DryRunOperation for the attribute actions, and pages DescribeAddressesAttribute', async () => {
    const region = h.client({ region: 'sa-east-1' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const { allocationId } = await allocate(undefined, region);
      await region.send(
        new ModifyAddressAttributeCommand({ AllocationId: allocationId, DomainName: `host${i}.example.com` }),
      );
      ids.push(allocationId);
    }
    expect(
      await errorCode(
        region.send(
          new ModifyAddressAttributeCommand({
            AllocationId: ids[0],
            DomainName: 'x.example.com',
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    expect(
      await errorCode(
        region.send(
          new ResetAddressAttributeCommand({ AllocationId: ids[0], Attribute: 'domain-name', DryRun: true }),
        ),
      ),
    ).toBe('DryRunOperation');
    expect(
      await errorCode(
        region.send(new DescribeAddressesAttributeCommand({ Attribute: 'domain-name', DryRun: true })),
      ),
    ).toBe('DryRunOperation');
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeAddressesAttribute(
      { client: region, pageSize: 2 },
      { Attribute: 'domain-name' },
    )) {
      pages += 1;
      for (const a of page.Addresses ?? []) seen.push(a.PtrRecord!);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'host0.example.com.',
      'host1.example.com.',
      'host2.example.com.',
      'host3.example.com.',
      'host4.example.com.',
    ]);
  });

  it('refuses while the address is locked (InvalidAddress.Locked), and releases once unlocked', async () => {
    const { allocationId } = await allocate();
    expect((await h.control('POST', `/_emulator/addresses/${allocationId}/lock`)).json).toMatchObject({
      locked: true,
    });
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe(
      'InvalidAddress.Locked',
    );
    await h.control('DELETE', `/_emulator/addresses/${allocationId}/lock`);
    await h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    expect((await h.control('POST', `/_emulator/addresses/${allocationId}/lock`)).status).toBe(404);
  });

  it('does not disassociate a locked address in the default VPC', async () => {
    const instanceId = await runningInstance();
    const { allocationId, publicIp } = await allocate();
    await h.ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId }));
    await h.control('POST', `/_emulator/addresses/${allocationId}/lock`);
    expect(await errorCode(h.ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe(
      'InvalidAddress.Locked',
    );
    expect(await publicIpOf(instanceId)).toBe(publicIp);
  });
});
