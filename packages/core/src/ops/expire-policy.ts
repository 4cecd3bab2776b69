import type { PolicyDocument } from '../iam/policy';

/**
 * The expiry function's EC2 policy (infra/ops.ts deploys it; the sandbox's emulator enforces it
 * for the `Expire` access key). It is not generated from the commands' declarations because the
 * function is no command: it only re-reads one rule and revokes it.
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
  ],
};
