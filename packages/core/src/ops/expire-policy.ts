import type { PolicyDocument } from '../iam/policy';

/**
 * The expiry function's EC2 policy (infra/ops.ts deploys it; the sandbox's emulator enforces it
 * for the `Expire` access key). It is not generated from the commands' declarations because the
 * function is no command: it only re-reads one rule and revokes it, or one instance and stops or
 * terminates it (the stage's reaper action).
 */
export const EXPIRE_EC2_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      // Re-reads the rule (tags, expiry) before revoking it; DescribeSecurityGroupRules has no resource scope.
      Sid: 'ReadRule',
      Effect: 'Allow',
      Action: ['ec2:DescribeSecurityGroupRules'],
      Resource: ['*'],
    },
    {
      Sid: 'RevokeExpiredRule',
      Effect: 'Allow',
      Action: ['ec2:RevokeSecurityGroupIngress'],
      // Revoking by rule id is authorized on the group and on the rule itself.
      Resource: ['arn:aws:ec2:*:*:security-group/*', 'arn:aws:ec2:*:*:security-group-rule/*'],
    },
    {
      // Re-reads the instance (tags, state) before acting; DescribeInstances has no resource scope.
      Sid: 'ReadInstance',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances'],
      Resource: ['*'],
    },
    {
      // The reaper's action at an instance's TTL, on managed instances only (as the reaper's own policy).
      Sid: 'ActOnExpiredInstance',
      Effect: 'Allow',
      Action: ['ec2:StopInstances', 'ec2:TerminateInstances'],
      Resource: ['arn:aws:ec2:*:*:instance/*'],
      Condition: { StringEquals: { 'aws:ResourceTag/ec2ops:managed': 'true' } },
    },
  ],
};
