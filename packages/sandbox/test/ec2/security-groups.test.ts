import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  type IpPermission,
  ModifySecurityGroupRulesCommand,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
  UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVpc, errorCode, errorOf, type Harness, startHarness } from './sg-eip-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

let nameCounter = 0;
async function createGroup(
  name?: string,
  extra: { VpcId?: string; tags?: Record<string, string> } = {},
): Promise<string> {
  nameCounter += 1;
  const out = await h.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name ?? `group-${nameCounter}`,
      Description: 'test group',
      VpcId: extra.VpcId,
      TagSpecifications: extra.tags
        ? [
            {
              ResourceType: 'security-group',
              Tags: Object.entries(extra.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ]
        : undefined,
    }),
  );
  return out.GroupId!;
}

const tcp = (port: number, cidr: string, description?: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr, Description: description }],
});

async function rulesOf(groupId: string): Promise<SecurityGroupRule[]> {
  const out = await h.ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  return out.SecurityGroupRules ?? [];
}

describe('CreateSecurityGroup', () => {
  it('creates a group in the default VPC that allows all outbound traffic', async () => {
    const groupId = await createGroup('web', { tags: { team: 'platform' } });
    expect(groupId).toMatch(/^sg-[0-9a-f]{17}$/);
    const out = await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    const group = out.SecurityGroups![0]!;
    expect(group.GroupName).toBe('web');
    expect(group.Description).toBe('test group');
    expect(group.OwnerId).toBe('123456789012');
    expect(group.VpcId).toMatch(/^vpc-/);
    expect(group.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect(group.SecurityGroupArn).toBe(`arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`);
    expect(group.IpPermissions).toEqual([]);
    expect(group.IpPermissionsEgress).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
  });

  it('refuses a second group with the same name in the VPC (InvalidGroup.Duplicate)', async () => {
    await createGroup('dup-me');
    const error = await errorOf(
      h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dup-me', Description: 'x' })),
    );
    expect(error.code).toBe('InvalidGroup.Duplicate');
    expect(error.status).toBe(400);
    expect(error.message).toContain("'dup-me' already exists for VPC");
  });

  it('allows the same name in another VPC', async () => {
    const vpcId = addVpc(h);
    const groupId = await createGroup('dup-me', { VpcId: vpcId });
    const out = await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    expect(out.SecurityGroups![0]!.VpcId).toBe(vpcId);
  });

  it('refuses reserved and sg- names, missing descriptions and unknown VPCs', async () => {
    expect(
      await errorCode(h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'default', Description: 'x' }))),
    ).toBe('InvalidGroup.Reserved');
    expect(
      await errorCode(h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sg-123', Description: 'x' }))),
    ).toBe('InvalidParameterValue');
    expect(
      await errorCode(h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'n', Description: '' }))),
    ).toBe('MissingParameter');
    expect(
      await errorCode(
        h.ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: 'n',
            Description: 'x',
            VpcId: 'vpc-0123456789abcdef0',
          }),
        ),
      ),
    ).toBe('InvalidVpcID.NotFound');
    expect(
      await errorCode(
        h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'n', Description: 'x', VpcId: 'nope' })),
      ),
    ).toBe('InvalidVpcID.Malformed');
  });

  it('answers DryRunOperation and creates nothing on a dry run', async () => {
    const error = await errorOf(
      h.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dry', Description: 'x', DryRun: true })),
    );
    expect(error).toMatchObject({ code: 'DryRunOperation', status: 412 });
    const out = await h.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['dry'] }] }),
    );
    expect(out.SecurityGroups).toEqual([]);
  });
});

describe('DescribeSecurityGroups', () => {
  it('lists the seeded default group, which allows itself in and everything out', async () => {
    const out = await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
    const group = out.SecurityGroups![0]!;
    expect(group.GroupName).toBe('default');
    expect(group.IpPermissions).toEqual([
      {
        IpProtocol: '-1',
        UserIdGroupPairs: [{ GroupId: group.GroupId, UserId: '123456789012' }],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
    ]);
    expect(group.IpPermissionsEgress![0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);
  });

  it("gives a new VPC's default group its default rules", async () => {
    const vpc = await h.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
    const out = await h.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.Vpc!.VpcId!] }] }),
    );
    const [group] = out.SecurityGroups!;
    expect(out.SecurityGroups).toHaveLength(1);
    expect(group!.GroupName).toBe('default');
    expect(group!.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId).toBe(group!.GroupId);
    expect(group!.IpPermissionsEgress![0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);
  });

  it('filters by name with wildcards, by tag and by tag key', async () => {
    await createGroup('filter-alpha', { tags: { env: 'prod' } });
    await createGroup('filter-beta', { tags: { env: 'dev', owner: 'U1' } });
    const names = async (Name: string, Values: string[]) =>
      (
        await h.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name, Values }] }))
      ).SecurityGroups!.map((g) => g.GroupName);
    expect(await names('group-name', ['filter-*'])).toEqual(['filter-alpha', 'filter-beta']);
    expect(await names('tag:env', ['pro?'])).toEqual(['filter-alpha']);
    expect(await names('tag-key', ['owner'])).toEqual(['filter-beta']);
    expect(await names('ip-permission.cidr', ['198.51.100.0/24'])).toEqual([]);
  });

  it('refuses unknown and malformed group ids and unknown names', async () => {
    expect(
      await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] }))),
    ).toBe('InvalidGroup.NotFound');
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-xyz'] })))).toBe(
      'InvalidGroupId.Malformed',
    );
    expect(
      await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['no-such-group'] }))),
    ).toBe('InvalidGroup.NotFound');
  });

  it('pages with MaxResults and NextToken through the SDK paginator', async () => {
    for (let i = 0; i < 7; i += 1) await createGroup(`page-${i}`);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeSecurityGroups(
      { client: h.ec2, pageSize: 5 },
      { Filters: [{ Name: 'group-name', Values: ['page-*'] }] },
    )) {
      pages += 1;
      for (const g of page.SecurityGroups ?? []) seen.push(g.GroupName!);
    }
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    expect(pages).toBe(2);
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 4 })))).toBe(
      'InvalidParameterValue',
    );
  });

  it('answers DryRunOperation', async () => {
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ DryRun: true })))).toBe(
      'DryRunOperation',
    );
  });
});

describe('AuthorizeSecurityGroupIngress', () => {
  it('creates one tagged rule per source and returns them', async () => {
    const groupId = await createGroup();
    const source = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [
              { CidrIp: '203.0.113.0/24', Description: 'office' },
              { CidrIp: '198.51.100.7/32', Description: 'vpn' },
            ],
            Ipv6Ranges: [{ CidrIpv6: '2001:DB8:0:0::/64', Description: 'v6 office' }],
            UserIdGroupPairs: [{ GroupId: source, Description: 'bastions' }],
            PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
          },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: [
              { Key: 'ec2ops:managed', Value: 'true' },
              { Key: 'ec2ops:expires-at', Value: '2026-11-23T16:00:00Z' },
            ],
          },
        ],
      }),
    );
    expect(out.Return).toBe(true);
    const rules = out.SecurityGroupRules!;
    expect(rules).toHaveLength(5);
    for (const rule of rules) {
      expect(rule.SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
      expect(rule).toMatchObject({
        GroupId: groupId,
        GroupOwnerId: '123456789012',
        IsEgress: false,
        IpProtocol: 'tcp',
      });
      expect(rule.FromPort).toBe(22);
      expect(rule.Tags).toContainEqual({ Key: 'ec2ops:managed', Value: 'true' });
      expect(rule.SecurityGroupRuleArn).toBe(
        `arn:aws:ec2:us-east-1:123456789012:security-group-rule/${rule.SecurityGroupRuleId}`,
      );
    }
    expect(
      rules.map((r) => r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId ?? r.PrefixListId),
    ).toEqual(['203.0.113.0/24', '198.51.100.7/32', '2001:db8::/64', source, 'pl-0123456789abcdef0']);
    expect(rules[0]!.Description).toBe('office');

    const described = await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    expect(described.SecurityGroups![0]!.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [
          { CidrIp: '203.0.113.0/24', Description: 'office' },
          { CidrIp: '198.51.100.7/32', Description: 'vpn' },
        ],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/64', Description: 'v6 office' }],
        UserIdGroupPairs: [{ GroupId: source, UserId: '123456789012', Description: 'bastions' }],
        PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
      },
    ]);
  });

  it('refuses an identical rule with InvalidPermission.Duplicate and adds nothing', async () => {
    const groupId = await createGroup();
    await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [tcp(443, '0.0.0.0/0')] }),
    );
    const error = await errorOf(
      h.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(80, '0.0.0.0/0'), tcp(443, '0.0.0.0/0', 'other description')],
        }),
      ),
    );
    expect(error.code).toBe('InvalidPermission.Duplicate');
    expect(error.message).toContain('0.0.0.0/0');
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress)).toHaveLength(1);
  });

  it('refuses the same permission twice in one request', async () => {
    const groupId = await createGroup();
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(22, '10.0.0.0/8'), tcp(22, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('InvalidParameterValue');
  });

  it('stores the network address of a CIDR with host bits set', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, '10.0.0.28/29')],
      }),
    );
    expect(out.SecurityGroupRules![0]!.CidrIpv4).toBe('10.0.0.24/29');
  });

  it('validates CIDRs, ports and protocols as EC2 does', async () => {
    const groupId = await createGroup();
    const attempt = (permission: IpPermission) =>
      errorOf(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission] }),
        ),
      );
    expect(await attempt(tcp(22, '10.0.0.0/33'))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'CIDR block 10.0.0.0/33 is malformed',
    });
    expect((await attempt(tcp(22, '300.1.1.1/32'))).code).toBe('InvalidParameterValue');
    expect((await attempt(tcp(22, '10.0.0.1'))).code).toBe('InvalidParameterValue');
    expect(
      (
        await attempt({
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          Ipv6Ranges: [{ CidrIpv6: '2001:db8:::/64' }],
        })
      ).code,
    ).toBe('InvalidParameterValue');
    expect((await attempt(tcp(65536, '10.0.0.0/8'))).code).toBe('InvalidPermission.Malformed');
    expect((await attempt(tcp(-1, '10.0.0.0/8'))).code).toBe('InvalidPermission.Malformed');
    expect(
      (await attempt({ IpProtocol: 'tcp', FromPort: 25, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }))
        .code,
    ).toBe('InvalidParameterValue');
    expect(
      await attempt({ IpProtocol: 'tcp', FromPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }),
    ).toMatchObject({
      code: 'InvalidParameterValue',
      message: "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
    });
    expect((await attempt({ IpProtocol: 'foo', IpRanges: [{ CidrIp: '10.0.0.0/8' }] })).code).toBe(
      'InvalidParameterValue',
    );
    expect((await attempt({ IpProtocol: '256', IpRanges: [{ CidrIp: '10.0.0.0/8' }] })).code).toBe(
      'InvalidParameterValue',
    );
    expect(
      (await attempt({ IpProtocol: 'icmp', FromPort: 300, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }))
        .code,
    ).toBe('InvalidPermission.Malformed');
    expect((await attempt({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 })).code).toBe('MissingParameter');
    expect((await attempt(tcp(22, '10.0.0.0/8', 'bad <description>'))).code).toBe('InvalidParameterValue');
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress)).toEqual([]);
  });

  it('accepts protocol numbers and names, ICMP types and all traffic', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: '6', FromPort: 8080, ToPort: 8090, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
          { IpProtocol: 'UDP', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
          { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
          { IpProtocol: 'icmpv6', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.9.0.0/16' }] },
          { IpProtocol: '50', IpRanges: [{ CidrIp: '10.9.0.0/16' }] },
        ],
      }),
    );
    expect(out.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort])).toEqual([
      ['tcp', 8080, 8090],
      ['udp', 53, 53],
      ['icmp', 8, -1],
      ['icmpv6', -1, -1],
      ['-1', -1, -1],
      ['50', -1, -1],
    ]);
  });

  it('allows a source group by name in the same VPC and refuses unknown source groups', async () => {
    const groupId = await createGroup();
    await createGroup('named-source');
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 5432,
            ToPort: 5432,
            UserIdGroupPairs: [{ GroupName: 'named-source' }],
          },
        ],
      }),
    );
    expect(out.SecurityGroupRules![0]!.ReferencedGroupInfo?.GroupId).toMatch(/^sg-/);
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 1,
                ToPort: 1,
                UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0' }],
              },
            ],
          }),
        ),
      ),
    ).toBe('InvalidGroup.NotFound');
  });

  it('refuses unknown and malformed target groups', async () => {
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: 'sg-0123456789abcdef0',
            IpPermissions: [tcp(22, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('InvalidGroup.NotFound');
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: 'sg-!',
            IpPermissions: [tcp(22, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('InvalidGroupId.Malformed');
  });

  it('takes the legacy CidrIp/IpProtocol/FromPort/ToPort form the AWS CLI sends', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIp: '192.0.2.0/24',
      }),
    );
    expect(out.SecurityGroupRules![0]).toMatchObject({ CidrIpv4: '192.0.2.0/24', FromPort: 22, ToPort: 22 });
  });

  it('stops at 60 inbound rules per group', async () => {
    const groupId = await createGroup();
    const many = Array.from({ length: 60 }, (_, i) => tcp(1000 + i, '10.0.0.0/8'));
    await h.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: many }));
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(9, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('RulesPerSecurityGroupLimitExceeded');
  });

  it('answers DryRunOperation and adds nothing on a dry run', async () => {
    const groupId = await createGroup();
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(22, '10.0.0.0/8')],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress)).toEqual([]);
  });
});

describe('AuthorizeSecurityGroupEgress / RevokeSecurityGroupEgress', () => {
  it('adds and removes outbound rules', async () => {
    const groupId = await createGroup();
    const added = await h.ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(5432, '10.2.0.0/16')],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'k', Value: 'v' }] }],
      }),
    );
    expect(added.SecurityGroupRules![0]).toMatchObject({
      IsEgress: true,
      CidrIpv4: '10.2.0.0/16',
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(5432, '10.2.0.0/16')],
          }),
        ),
      ),
    ).toBe('InvalidPermission.Duplicate');
    expect(
      await errorCode(
        h.ec2.send(
          new AuthorizeSecurityGroupEgressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(1, '10.2.0.0/16')],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    // The default "all traffic out" rule goes by its permission.
    await h.ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupEgressCommand({
            GroupId: groupId,
            SecurityGroupRuleIds: [added.SecurityGroupRules![0]!.SecurityGroupRuleId!],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    await h.ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: groupId,
        SecurityGroupRuleIds: [added.SecurityGroupRules![0]!.SecurityGroupRuleId!],
      }),
    );
    expect(await rulesOf(groupId)).toEqual([]);
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupEgressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(5432, '10.2.0.0/16')],
          }),
        ),
      ),
    ).toBe('InvalidPermission.NotFound');
  });
});

describe('RevokeSecurityGroupIngress', () => {
  it('revokes by rule id, and says which rule ids do not exist', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, '10.0.0.0/8'), tcp(80, '10.0.0.0/8')],
      }),
    );
    const [ssh, http] = out.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            SecurityGroupRuleIds: [ssh!],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    const revoked = await h.ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ssh!] }),
    );
    expect(revoked.Return).toBe(true);
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress).map((r) => r.SecurityGroupRuleId)).toEqual([
      http,
    ]);
    expect(
      await errorCode(
        h.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ssh!] })),
      ),
    ).toBe('InvalidSecurityGroupRuleId.NotFound');
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ['sgr-nope'] }),
        ),
      ),
    ).toBe('InvalidSecurityGroupRuleId.Malformed');
  });

  it('revokes by permission, ignoring descriptions, and reports unknown permissions', async () => {
    const groupId = await createGroup();
    await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          tcp(22, '10.0.0.0/8', 'ssh'),
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
        ],
      }),
    );
    const out = await h.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          tcp(22, '10.0.0.0/8'),
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            Ipv6Ranges: [{ CidrIpv6: '2001:0db8:0000::/32' }],
          },
          tcp(3389, '10.0.0.0/8'),
        ],
      }),
    );
    expect(out.Return).toBe(true);
    expect(out.UnknownIpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 3389,
        ToPort: 3389,
        IpRanges: [{ CidrIp: '10.0.0.0/8' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress)).toEqual([]);
    const error = await errorOf(
      h.ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [tcp(22, '10.0.0.0/8')] }),
      ),
    );
    expect(error).toMatchObject({ code: 'InvalidPermission.NotFound', status: 400 });
  });

  it('revokes a source-group rule by its group', async () => {
    const groupId = await createGroup();
    const source = await createGroup();
    const pair = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: source }] };
    await h.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [pair] }));
    await h.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [pair] }));
    expect((await rulesOf(groupId)).filter((r) => !r.IsEgress)).toEqual([]);
  });

  it('refuses rule ids together with permissions, and an unknown group', async () => {
    const groupId = await createGroup();
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            SecurityGroupRuleIds: ['sgr-0123456789abcdef0'],
            IpPermissions: [tcp(22, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('InvalidParameterCombination');
    expect(
      await errorCode(
        h.ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: 'sg-0123456789abcdef0',
            IpPermissions: [tcp(22, '10.0.0.0/8')],
          }),
        ),
      ),
    ).toBe('InvalidGroup.NotFound');
  });
});

describe('DescribeSecurityGroupRules', () => {
  it('finds rules by tag (with wildcards), tag key, group and rule id, server-side', async () => {
    const a = await createGroup();
    const b = await createGroup();
    const tagged = (groupId: string, port: number, expires: string) =>
      h.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [tcp(port, '10.0.0.0/8')],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: [
                { Key: 'ec2ops:managed', Value: 'true' },
                { Key: 'rules-test', Value: expires },
              ],
            },
          ],
        }),
      );
    const r1 = (await tagged(a, 22, '2026-11-23T10:00:00Z')).SecurityGroupRules![0]!;
    const r2 = (await tagged(b, 22, '2026-11-24T10:00:00Z')).SecurityGroupRules![0]!;
    await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: b, IpPermissions: [tcp(80, '10.0.0.0/8')] }),
    );
    const ids = async (filters: { Name: string; Values: string[] }[], ruleIds?: string[]) =>
      (
        await h.ec2.send(
          new DescribeSecurityGroupRulesCommand({ Filters: filters, SecurityGroupRuleIds: ruleIds }),
        )
      ).SecurityGroupRules!.map((r) => r.SecurityGroupRuleId);
    expect(await ids([{ Name: 'tag-key', Values: ['rules-test'] }])).toEqual([
      r1.SecurityGroupRuleId,
      r2.SecurityGroupRuleId,
    ]);
    expect(await ids([{ Name: 'tag:rules-test', Values: ['2026-11-23*'] }])).toEqual([
      r1.SecurityGroupRuleId,
    ]);
    expect(
      await ids([
        { Name: 'tag:rules-test', Values: ['*'] },
        { Name: 'group-id', Values: [b] },
      ]),
    ).toEqual([r2.SecurityGroupRuleId]);
    expect(await ids([{ Name: 'security-group-rule-id', Values: [r1.SecurityGroupRuleId!] }])).toEqual([
      r1.SecurityGroupRuleId,
    ]);
    expect(await ids([], [r2.SecurityGroupRuleId!])).toEqual([r2.SecurityGroupRuleId]);
    expect(
      await errorCode(
        h.ec2.send(
          new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] }),
        ),
      ),
    ).toBe('InvalidSecurityGroupRuleId.NotFound');
    expect(
      await errorCode(
        h.ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-zz'] })),
      ),
    ).toBe('InvalidSecurityGroupRuleId.Malformed');
    expect(
      await errorCode(
        h.ec2.send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }),
        ),
      ),
    ).toBe('InvalidParameterValue');
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupRulesCommand({ DryRun: true })))).toBe(
      'DryRunOperation',
    );
  });

  it('pages through the SDK paginator', async () => {
    const groupId = await createGroup();
    await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: Array.from({ length: 12 }, (_, i) => tcp(2000 + i, '10.0.0.0/8')),
      }),
    );
    const ports: number[] = [];
    let pages = 0;
    for await (const page of paginateDescribeSecurityGroupRules(
      { client: h.ec2, pageSize: 5 },
      { Filters: [{ Name: 'group-id', Values: [groupId] }] },
    )) {
      pages += 1;
      expect(page.SecurityGroupRules!.length).toBeLessThanOrEqual(5);
      for (const r of page.SecurityGroupRules ?? []) if (!r.IsEgress) ports.push(r.FromPort!);
    }
    expect(pages).toBe(3);
    expect(ports).toEqual(Array.from({ length: 12 }, (_, i) => 2000 + i));
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 1001 })))).toBe(
      'InvalidParameterValue',
    );
    expect(
      await errorCode(
        h.ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5, NextToken: 'garbage' })),
      ),
    ).toBe('InvalidNextToken');
  });
});

describe('ModifySecurityGroupRules', () => {
  it('updates a rule in place, keeping its id and tags', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, '10.0.0.0/8', 'old')],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'keep', Value: 'me' }] }],
      }),
    );
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const rule = {
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '10.0.0.0/8',
      Description: 'ec2ops U123 until 2026-11-23T16:00Z',
    };
    expect(
      await errorCode(
        h.ec2.send(
          new ModifySecurityGroupRulesCommand({
            GroupId: groupId,
            SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: rule }],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    const modified = await h.ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: groupId,
        SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: rule }],
      }),
    );
    expect(modified.Return).toBe(true);
    const [after] = (await rulesOf(groupId)).filter((r) => !r.IsEgress);
    expect(after).toMatchObject({
      SecurityGroupRuleId: ruleId,
      Description: rule.Description,
      Tags: [{ Key: 'keep', Value: 'me' }],
    });
    expect(
      await errorCode(
        h.ec2.send(
          new ModifySecurityGroupRulesCommand({
            GroupId: groupId,
            SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', SecurityGroupRule: rule }],
          }),
        ),
      ),
    ).toBe('InvalidSecurityGroupRuleId.NotFound');
  });
});

describe('UpdateSecurityGroupRuleDescriptionsIngress / Egress', () => {
  it('changes descriptions by permission or by rule id, and refuses unknown rules', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, '10.0.0.0/8', 'before')],
      }),
    );
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    expect(
      await errorCode(
        h.ec2.send(
          new UpdateSecurityGroupRuleDescriptionsIngressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(22, '10.0.0.0/8', 'x')],
            DryRun: true,
          }),
        ),
      ),
    ).toBe('DryRunOperation');
    await h.ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(22, '10.0.0.0/8', 'by permission')],
      }),
    );
    const description = async () =>
      (await rulesOf(groupId)).find((r) => r.SecurityGroupRuleId === ruleId)!.Description;
    expect(await description()).toBe('by permission');
    await h.ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: 'by id' }],
      }),
    );
    expect(await description()).toBe('by id');
    expect(
      await errorCode(
        h.ec2.send(
          new UpdateSecurityGroupRuleDescriptionsIngressCommand({
            GroupId: groupId,
            IpPermissions: [tcp(23, '10.0.0.0/8', 'x')],
          }),
        ),
      ),
    ).toBe('InvalidPermission.NotFound');
    // The rule is an ingress rule: the egress variant does not know it.
    expect(
      await errorCode(
        h.ec2.send(
          new UpdateSecurityGroupRuleDescriptionsEgressCommand({
            GroupId: groupId,
            SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: ruleId, Description: 'x' }],
          }),
        ),
      ),
    ).toBe('InvalidSecurityGroupRuleId.NotFound');
  });
});

describe('DeleteSecurityGroup', () => {
  it('deletes a group and its rules; refuses the default group and groups other rules refer to', async () => {
    const groupId = await createGroup();
    const referrer = await createGroup();
    await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: referrer,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: groupId }] },
        ],
      }),
    );
    expect(await errorCode(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).toBe(
      'DependencyViolation',
    );
    await h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: referrer }));
    expect(
      await errorCode(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId, DryRun: true }))),
    ).toBe('DryRunOperation');
    await h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    expect(await errorCode(h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).toBe(
      'InvalidGroup.NotFound',
    );
    expect(await rulesOf(referrer)).toEqual([]);
    expect(await errorCode(h.ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'default' })))).toBe(
      'CannotDelete',
    );
    expect(await errorCode(h.ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).toBe(
      'InvalidGroup.NotFound',
    );
  });
});

describe('tags on security-group rules', () => {
  it('CreateTags, DescribeTags and DeleteTags work on sgr- ids, and the rule filters see the change', async () => {
    const groupId = await createGroup();
    const out = await h.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [tcp(8443, '10.0.0.0/8')],
      }),
    );
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await h.ec2.send(
      new CreateTagsCommand({
        Resources: [ruleId, groupId],
        Tags: [
          { Key: 'ec2ops:managed', Value: 'true' },
          { Key: 'tag-api-test', Value: 'yes' },
        ],
      }),
    );
    const tags = await h.ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-type', Values: ['security-group-rule'] },
          { Name: 'key', Values: ['tag-api-test'] },
        ],
      }),
    );
    expect(tags.Tags).toEqual([
      { ResourceId: ruleId, ResourceType: 'security-group-rule', Key: 'tag-api-test', Value: 'yes' },
    ]);
    const found = await h.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:tag-api-test', Values: ['yes'] }] }),
    );
    expect(found.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).toEqual([ruleId]);
    await h.ec2.send(new DeleteTagsCommand({ Resources: [ruleId], Tags: [{ Key: 'tag-api-test' }] }));
    const after = await h.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag-key', Values: ['tag-api-test'] }] }),
    );
    expect(after.SecurityGroupRules).toEqual([]);
    expect(
      await errorCode(
        h.ec2.send(
          new CreateTagsCommand({ Resources: ['sgr-0123456789abcdef0'], Tags: [{ Key: 'k', Value: 'v' }] }),
        ),
      ),
    ).toBe('InvalidSecurityGroupRuleId.NotFound');
  });
});
