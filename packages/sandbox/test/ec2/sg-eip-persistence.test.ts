import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeSecurityGroupRulesCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, startHarness } from './sg-eip-harness';

const dir = mkdtempSync(join(tmpdir(), 'ec2ops-sg-eip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--state with security-group rules and Elastic IPs', () => {
  it('keeps rules, their tags, addresses and their PTR/lock marks across a restart', async () => {
    const stateFile = join(dir, 'ec2.json');
    const first = await startHarness({ stateFile });
    const { GroupId } = await first.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'kept', Description: 'x' }),
    );
    const { SecurityGroupRules } = await first.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
        TagSpecifications: [
          { ResourceType: 'security-group-rule', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] },
        ],
      }),
    );
    const locked = await first.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await first.control('POST', `/_emulator/addresses/${locked.AllocationId}/lock`);
    await first.close();

    const second = await startHarness({ stateFile });
    try {
      const rules = await second.ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }],
        }),
      );
      expect(rules.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId)).toEqual([
        SecurityGroupRules![0]!.SecurityGroupRuleId,
      ]);
      const addresses = await second.ec2.send(
        new DescribeAddressesCommand({ AllocationIds: [locked.AllocationId!] }),
      );
      expect(addresses.Addresses![0]!.PublicIp).toBe(locked.PublicIp);
      expect(
        await errorCode(second.ec2.send(new ReleaseAddressCommand({ AllocationId: locked.AllocationId }))),
      ).toBe('InvalidAddress.Locked');
      // A new allocation does not hand out the kept address again.
      const next = await second.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      expect(next.PublicIp).not.toBe(locked.PublicIp);
    } finally {
      await second.close();
    }
  });
});
