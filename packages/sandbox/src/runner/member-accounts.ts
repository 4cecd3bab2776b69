import type { StageConfig } from '@ec2ops/core/config';
import { FUNCTION_NAMES } from '@ec2ops/core/iam';
import type { MemberAccountInput } from '../accounts/registry';
import { deployedName, unionOfFunctionPolicies } from '../iam/stage-policies';
import type { OrganizationalUnit } from '../organizations/api';

/**
 * The member accounts the default sandbox serves besides the hub: the stage's `accounts` when it
 * lists them, else `dev` (111111111111) and `prod` (222222222222), both in the stage's first two
 * regions and in one OU, each with the ec2ops member role the hub's functions assume.
 */
export interface SandboxMember {
  id: string;
  alias: string;
  regions: string[];
  roleName: string;
  externalId?: string | undefined;
}

export const SANDBOX_OU: OrganizationalUnit = { id: 'ou-root-ec2ops01', name: 'ec2ops', parentId: 'r-root' };

/** What a stage's `accounts` entry carries (issue 15's contract); read loosely so an older config works. */
interface DeclaredAccount {
  id: string;
  alias: string;
  regions?: string[];
  roleName?: string;
  externalId?: string;
}

export function sandboxMembers(config: StageConfig): SandboxMember[] {
  const regions = config.regions.slice(0, 2);
  const roleName = (declared?: string) => declared ?? `ec2ops-member-${config.stage}`;
  const declared = (config as { accounts?: DeclaredAccount[] }).accounts;
  if (declared?.length) {
    return declared.map((a) => ({
      id: a.id,
      alias: a.alias,
      regions: a.regions?.length ? a.regions : regions,
      roleName: roleName(a.roleName),
      externalId: a.externalId,
    }));
  }
  return [
    { id: '111111111111', alias: 'dev', regions, roleName: roleName() },
    { id: '222222222222', alias: 'prod', regions, roleName: roleName() },
  ];
}

/**
 * The emulator's view of them: the role trusts the hub's functions only (each signs as its
 * deployed name) with the account's ExternalId, and allows what the functions may do.
 */
export function memberAccountInputs(config: StageConfig, members: SandboxMember[]): MemberAccountInput[] {
  const trusted = FUNCTION_NAMES.map(deployedName);
  const policy = unionOfFunctionPolicies(config);
  return members.map((m) => ({
    id: m.id,
    alias: m.alias,
    ouId: SANDBOX_OU.id,
    roles: [{ name: m.roleName, trusted, externalId: m.externalId, policy }],
  }));
}
