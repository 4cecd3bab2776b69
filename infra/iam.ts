import type { FunctionName } from '@ec2ops/core/capability';
import { FLEET_FUNCTIONS, hubRoleName, type PolicyDocument, stagePolicies } from '@ec2ops/core/iam';
import { EC2_INLINE_POLICY } from './functions';
import { stage } from './stage';

/**
 * Each function's EC2 policy, built by core from the commands' and jobs' own IAM declarations
 * (see packages/core/src/iam), with a Sid per purpose so a reviewer reads exactly what each
 * function may do in the IAM console.
 */
export const ec2Policies = stagePolicies(stage.config);

/** The stage reaches member accounts (issue 15), so their roles must be able to name ours. */
const hasFleet = Boolean(stage.config.accounts?.length || stage.config.organization);

/** Only Lambda may assume a function's role. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * `transform.role` for a function: SST manages a function role's inline policies exclusively,
 * so the EC2 policy goes into that same list (a separate `aws.iam.RolePolicy` beside it is
 * removed or fought over on a later deploy). The trust policy is replaced because SST's
 * component decides between its Lambda-only and its account-root trust with `!dev` on a Pulumi
 * Output, which is never falsy: every role would trust the whole account.
 */
export function functionRole(name: FunctionName) {
  // Member roles trust these roles by ARN (core/iam/member-role.ts): with a fleet the name is fixed.
  const fixedName =
    hasFleet && FLEET_FUNCTIONS.includes(name) ? hubRoleName(stage.config.stage, name) : undefined;
  return roleWithEc2Policy(ec2Policies.policies[name], fixedName);
}

/** The same role shape for a function whose EC2 policy is not derived from commands or jobs (Forecast). */
export function roleWithEc2Policy(document: PolicyDocument, roleName?: string) {
  return (args: aws.iam.RoleArgs): undefined => {
    args.assumeRolePolicy = LAMBDA_TRUST_POLICY;
    if (roleName) args.name = roleName;
    if (document.Statement.length === 0) return undefined;
    args.inlinePolicies = $output(args.inlinePolicies ?? []).apply((policies) => [
      ...policies,
      { name: EC2_INLINE_POLICY, policy: JSON.stringify(document) },
    ]);
    return undefined;
  };
}
