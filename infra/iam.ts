import type { FunctionName } from '@ec2ops/core/capability';
import { stagePolicies } from '@ec2ops/core/iam/ec2ops';
import { pascalCase } from './functions';
import { stage } from './stage';

/**
 * Each function's EC2 policy, built by core from the commands' and jobs' own IAM declarations
 * (see packages/core/src/iam). Attached as one inline policy per role, with a Sid per purpose, so
 * a reviewer reads exactly what each function may do in the IAM console.
 */
export const ec2Policies = stagePolicies(stage.config);

export function attachEc2Policy(name: FunctionName, fn: sst.aws.Function): void {
  const document = ec2Policies.policies[name];
  if (document.Statement.length === 0) return;
  new aws.iam.RolePolicy(`${pascalCase(name)}Ec2Policy`, {
    role: fn.nodes.role.name,
    policy: JSON.stringify(document),
  });
}
