import { defaultMemberRoleName } from '../config/fleet';
import type { StageConfig } from '../config/schema';
import { ec2opsCapabilities, policyScope } from './ec2ops';
import { FLEET_FUNCTIONS, hubRoleName } from './hub-assume';
import { buildFunctionPolicies, type PolicyDocument, type PolicyStatement } from './policy';

/**
 * The role each member account carries for the hub (issue 15), generated from the same
 * command/job metadata and guards as the hub's own function policies: whatever runs against a
 * member account (the worker's commands and every job) is allowed there, and nothing else.
 */

/** Every region any target account acts in: the member role's `aws:RequestedRegion` list. */
export function fleetRegions(config: StageConfig): string[] {
  const regions = new Set(config.regions);
  for (const account of config.accounts ?? []) for (const r of account.regions ?? []) regions.add(r);
  return [...regions].sort();
}

/** The union of the fleet functions' policies, over every region a member account uses. */
export function memberRolePolicy(stage: string, config: StageConfig): PolicyDocument {
  const scope = { ...policyScope({ ...config, stage }), regions: fleetRegions(config) };
  const { policies } = buildFunctionPolicies(ec2opsCapabilities(), scope);
  const byGrant = new Map<string, PolicyStatement>();
  const sids = new Set<string>();
  for (const fn of FLEET_FUNCTIONS) {
    for (const statement of policies[fn].Statement) {
      const { Sid, ...grant } = statement;
      const key = JSON.stringify(grant);
      if (byGrant.has(key)) continue;
      let sid = Sid;
      for (let n = 2; sids.has(sid); n += 1) sid = `${Sid}${n}`;
      sids.add(sid);
      byGrant.set(key, { ...statement, Sid: sid });
    }
  }
  return { Version: '2012-10-17', Statement: [...byGrant.values()] };
}

/** The member role's name for a stage (an account may override it with `roleName`). */
export function memberRoleName(config: StageConfig): string {
  const named = new Set((config.accounts ?? []).map((a) => a.roleName).filter((n) => n !== undefined));
  // One template rolls out everywhere: the common name unless every account agrees on another.
  return named.size === 1 && config.accounts?.every((a) => a.roleName)
    ? [...named][0]!
    : defaultMemberRoleName(config.stage);
}

/**
 * Trust: the hub's fleet function roles only, and only with the ExternalId (so another tenant of
 * the hub cannot make it act here: the confused-deputy guard).
 */
export function memberRoleTrust(
  config: StageConfig,
  hubAccountId: string,
  externalId: string | undefined,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Ec2opsHubFunctionsOnly',
        Effect: 'Allow',
        Principal: {
          AWS: FLEET_FUNCTIONS.map(
            (fn) => `arn:aws:iam::${hubAccountId}:role/${hubRoleName(config.stage, fn)}`,
          ),
        },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

/**
 * A CloudFormation template with the member role, for a StackSet over an OU: the hub account and
 * the ExternalId are parameters (one template, every account), the permissions are literal.
 */
export function memberRoleTemplate(config: StageConfig, defaults: { hubAccountId?: string } = {}) {
  const externalIds = new Set(
    (config.accounts ?? []).map((a) => a.externalId).filter((e) => e !== undefined),
  );
  // Fn::Sub fills the hub account in; the ExternalId is a Ref so it never appears in the template.
  const principals = FLEET_FUNCTIONS.map((fn) => ({
    'Fn::Sub': `arn:aws:iam::\${HubAccountId}:role/${hubRoleName(config.stage, fn)}`,
  }));
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ec2ops member role for stage ${config.stage}: lets the hub's functions act on EC2 here`,
    Parameters: {
      HubAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account ec2ops (the hub) is deployed in',
        ...(defaults.hubAccountId ? { Default: defaults.hubAccountId } : {}),
      },
      ExternalId: {
        Type: 'String',
        NoEcho: true,
        MinLength: 2,
        Description: 'The ExternalId the stage config gives this account (accounts[].externalId)',
        // Shared by every account: safe to default; per-account ids are StackSet parameter overrides.
        ...(externalIds.size === 1 ? { Default: [...externalIds][0] } : {}),
      },
    },
    Resources: {
      MemberRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: memberRoleName(config),
          Description: `ec2ops (${config.stage}) acts on managed EC2 resources from the hub account`,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Ec2opsHubFunctionsOnly',
                Effect: 'Allow',
                Principal: { AWS: principals },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
              },
            ],
          },
          Policies: [{ PolicyName: 'ec2ops-ec2', PolicyDocument: memberRolePolicy(config.stage, config) }],
        },
      },
    },
    Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] } } },
  };
}
