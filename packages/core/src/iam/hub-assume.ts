import type { FunctionName } from '../capability';
import { defaultMemberRoleName, memberRoleArn } from '../config/fleet';
import type { StageConfig } from '../config/schema';
import type { PolicyStatement } from './policy';

/** The hub functions that act in member accounts: the slack function only enqueues. */
export const FLEET_FUNCTIONS: readonly FunctionName[] = [
  'worker',
  'ami-bake',
  'eip-cleanup',
  'port-sweep',
  'instance-reaper',
];

/**
 * A hub function's role name when the stage has a fleet: fixed, so member roles can trust
 * exactly these roles (infra names the roles so; SST would otherwise add a random suffix).
 */
export function hubRoleName(stage: string, fn: FunctionName): string {
  return `ec2ops-${stage}-${fn}`;
}

/**
 * What a hub function needs to reach member accounts: sts:AssumeRole on exactly the configured
 * member role ARNs and, when accounts are discovered from Organizations, the reads that list
 * them. Nothing for a stage without a fleet, so its policies stay exactly as before.
 */
export function hubFleetStatements(config: StageConfig, fn: FunctionName): PolicyStatement[] {
  if (!FLEET_FUNCTIONS.includes(fn)) return [];
  const statements: PolicyStatement[] = [];
  const arns = (config.accounts ?? []).map((a) =>
    memberRoleArn(a.id, a.roleName ?? defaultMemberRoleName(config.stage)),
  );
  // Discovered accounts are not known at deploy time: the role name is the only thing fixed.
  if (config.organization) arns.push(memberRoleArn('*', defaultMemberRoleName(config.stage)));
  if (arns.length) {
    statements.push({
      Sid: 'AssumeTheMemberRoleInEachTargetAccount',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: [...new Set(arns)].sort(),
    });
  }
  if (config.organization) {
    statements.push({
      Sid: 'DiscoverTargetAccountsFromOrganizations',
      Effect: 'Allow',
      Action: [
        'organizations:DescribeOrganization',
        'organizations:ListAccounts',
        'organizations:ListAccountsForParent',
      ],
      Resource: ['*'],
    });
  }
  return statements;
}
