import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './sg-eip-harness';

/**
 * A second, independent EC2 client: Debian's botocore (what the AWS CLI is built on) parses
 * the emulator's answers with its own XML parser and model, so names that only
 * @aws-sdk/client-ec2 tolerates would show up here.
 */
const run = promisify(execFile);

const SCRIPT = `
import json, os, botocore.session
session = botocore.session.get_session()
ec2 = session.create_client('ec2', region_name='us-east-1', endpoint_url=os.environ['ENDPOINT'],
                            aws_access_key_id='test', aws_secret_access_key='test')
group = ec2.create_security_group(GroupName='boto-web', Description='from botocore')['GroupId']
source = ec2.create_security_group(GroupName='boto-bastion', Description='from botocore')['GroupId']
auth = ec2.authorize_security_group_ingress(
    GroupId=group,
    IpPermissions=[{
        'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22,
        'IpRanges': [{'CidrIp': '203.0.113.0/24', 'Description': 'office'}],
        'Ipv6Ranges': [{'CidrIpv6': '2001:db8::/32'}],
        'UserIdGroupPairs': [{'GroupId': source, 'Description': 'bastion'}],
    }],
    TagSpecifications=[{'ResourceType': 'security-group-rule',
                        'Tags': [{'Key': 'ec2ops:managed', 'Value': 'true'}]}])
rules = ec2.describe_security_group_rules(Filters=[{'Name': 'tag:ec2ops:managed', 'Values': ['tr*']}])
described = ec2.describe_security_groups(GroupIds=[group])['SecurityGroups'][0]
try:
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '203.0.113.0/24'}]}])
    duplicate = None
except ec2.exceptions.ClientError as error:
    duplicate = error.response['Error']['Code']
alloc = ec2.allocate_address(Domain='vpc', TagSpecifications=[
    {'ResourceType': 'elastic-ip', 'Tags': [{'Key': 'ec2ops:keep', 'Value': 'true'}]}])
addresses = ec2.describe_addresses(Filters=[{'Name': 'tag-key', 'Values': ['ec2ops:keep']}])['Addresses']
try:
    ec2.release_address(AllocationId='eipalloc-0123456789abcdef0')
    missing = None
except ec2.exceptions.ClientError as error:
    missing = error.response['Error']['Code']
print(json.dumps({
    'return': auth['Return'],
    'created': [dict(r, Tags=r.get('Tags', [])) for r in auth['SecurityGroupRules']],
    'tagged': sorted(r['SecurityGroupRuleId'] for r in rules['SecurityGroupRules']),
    'permissions': described['IpPermissions'],
    'duplicate': duplicate,
    'allocationId': alloc['AllocationId'],
    'addresses': addresses,
    'missing': missing,
}))
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('botocore against the emulator', () => {
  it('authorizes ingress, finds rules by tag, and describes addresses', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ENDPOINT: h.emulator.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      // No bound of its own: starting Python and botocore can take a minute on a busy machine;
      // the test's timeout is the hang guard.
    });
    const out = JSON.parse(stdout) as {
      return: boolean;
      created: {
        SecurityGroupRuleId: string;
        IsEgress: boolean;
        CidrIpv4?: string;
        CidrIpv6?: string;
        Tags: unknown[];
      }[];
      tagged: string[];
      permissions: unknown[];
      duplicate: string | null;
      allocationId: string;
      addresses: { AllocationId: string; PublicIp: string; Domain: string; Tags: unknown[] }[];
      missing: string | null;
    };
    expect(out.return).toBe(true);
    expect(out.created).toHaveLength(3);
    expect(out.created[0]).toMatchObject({
      IsEgress: false,
      CidrIpv4: '203.0.113.0/24',
      Tags: [{ Key: 'ec2ops:managed', Value: 'true' }],
    });
    expect(out.tagged).toEqual(out.created.map((r) => r.SecurityGroupRuleId).sort());
    expect(out.permissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }],
        PrefixListIds: [],
        UserIdGroupPairs: [expect.objectContaining({ Description: 'bastion', UserId: '123456789012' })],
      },
    ]);
    expect(out.duplicate).toBe('InvalidPermission.Duplicate');
    expect(out.addresses).toEqual([
      expect.objectContaining({
        AllocationId: out.allocationId,
        Domain: 'vpc',
        Tags: [{ Key: 'ec2ops:keep', Value: 'true' }],
      }),
    ]);
    expect(out.addresses[0]!.PublicIp).toMatch(/^198\.1[89]\./);
    expect(out.missing).toBe('InvalidAllocationID.NotFound');
  });
});
