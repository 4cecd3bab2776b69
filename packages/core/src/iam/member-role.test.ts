import { describe, expect, it } from 'vitest';
import { parseStageConfig } from '../config/schema';
import { stagePolicies } from './ec2ops';
import { FLEET_FUNCTIONS } from './hub-assume';
import { memberRolePolicy, memberRoleTemplate, memberRoleTrust } from './member-role';
import { allowedActions } from './policy';

const single = parseStageConfig({ stage: 'hub', regions: ['us-east-1'] });
const fleet = parseStageConfig({
  stage: 'hub',
  regions: ['us-east-1'],
  accounts: [
    { id: '111111111111', alias: 'dev', externalId: 'shared-external-id' },
    { id: '222222222222', alias: 'prod', regions: ['eu-west-1'], externalId: 'shared-external-id' },
  ],
});

describe('the member role', () => {
  it('allows exactly what the hub functions that act in member accounts allow, and nothing more', () => {
    const hub = stagePolicies(fleet).policies;
    const fromHub = new Set(FLEET_FUNCTIONS.flatMap((fn) => allowedActions(hub[fn])));
    fromHub.delete('sts:AssumeRole');
    expect(allowedActions(memberRolePolicy('hub', fleet))).toEqual([...fromHub].sort());
  });

  it('limits regional grants to every region a member account uses', () => {
    const regional = memberRolePolicy('hub', fleet).Statement.find((s) =>
      s.Action.includes('ec2:DescribeInstances'),
    );
    expect(regional?.Condition?.['StringEquals']?.['aws:RequestedRegion']).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('trusts only the hub functions that act in members, and only with the ExternalId', () => {
    const trust = memberRoleTrust(fleet, '123456789012', 'shared-external-id') as {
      Statement: { Principal: { AWS: string[] }; Condition: unknown }[];
    };
    expect(trust.Statement[0]!.Principal.AWS).toEqual([
      'arn:aws:iam::123456789012:role/ec2ops-hub-worker',
      'arn:aws:iam::123456789012:role/ec2ops-hub-ami-bake',
      'arn:aws:iam::123456789012:role/ec2ops-hub-eip-cleanup',
      'arn:aws:iam::123456789012:role/ec2ops-hub-port-sweep',
      'arn:aws:iam::123456789012:role/ec2ops-hub-instance-reaper',
    ]);
    expect(trust.Statement[0]!.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'shared-external-id' },
    });
  });

  it('rolls out as one CloudFormation template: hub account and ExternalId are parameters', () => {
    const template = memberRoleTemplate(fleet);
    const role = template.Resources.MemberRole.Properties;
    expect(role.RoleName).toBe('ec2ops-member-hub');
    expect(template.Parameters.ExternalId).toMatchObject({ NoEcho: true, Default: 'shared-external-id' });
    expect(template.Parameters.HubAccountId).not.toHaveProperty('Default');
    expect(role.AssumeRolePolicyDocument.Statement[0]!.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
    });
    expect(role.Policies[0]!.PolicyDocument).toEqual(memberRolePolicy('hub', fleet));
  });
});

describe("the hub's own policies", () => {
  it('a stage without a fleet gets no STS or Organizations grant but DescribeOrganization where images are shared', () => {
    // `org` / `ou-…` share targets are expanded to ARNs with DescribeOrganization (issue 16): a
    // read of the organisation's own id and ARN, granted to the sharers only.
    const sharers = new Set(['worker', 'ami-bake']);
    for (const [fn, document] of Object.entries(stagePolicies(single).policies)) {
      expect(allowedActions(document).filter((a) => /^(sts|organizations):/.test(a))).toEqual(
        sharers.has(fn) ? ['organizations:DescribeOrganization'] : [],
      );
    }
  });

  it('with a fleet, sts:AssumeRole names exactly the member role ARNs, in the functions that act there', () => {
    const { policies } = stagePolicies(fleet);
    const assume = (fn: keyof typeof policies) =>
      policies[fn].Statement.find((s) => s.Action.includes('sts:AssumeRole'));
    for (const fn of FLEET_FUNCTIONS) {
      expect(assume(fn)?.Resource).toEqual([
        'arn:aws:iam::111111111111:role/ec2ops-member-hub',
        'arn:aws:iam::222222222222:role/ec2ops-member-hub',
      ]);
    }
    expect(assume('slack')).toBeUndefined();
  });

  it('discovering accounts from Organizations adds the listing reads and the role name in any account', () => {
    const org = parseStageConfig({ stage: 'hub', organization: { ous: ['ou-root-ec2opsabc'] } });
    const worker = stagePolicies(org).policies.worker;
    expect(allowedActions(worker)).toEqual(
      expect.arrayContaining([
        'organizations:ListAccounts',
        'organizations:ListAccountsForParent',
        'sts:AssumeRole',
      ]),
    );
    expect(worker.Statement.find((s) => s.Action.includes('sts:AssumeRole'))?.Resource).toEqual([
      'arn:aws:iam::*:role/ec2ops-member-hub',
    ]);
  });
});
