import { DEPLOYED_NAMES, type DeployedFunctionName, type FunctionName } from '@ec2ops/core/capability';
import type { StageConfig } from '@ec2ops/core/config';
import {
  buildFunctionPolicies,
  type Capability,
  ec2opsCapabilities,
  FORECAST_FUNCTION,
  FUNCTION_NAMES,
  forecastPolicy,
  hubFleetStatements,
  type PolicyDocument,
  policyScope,
} from '@ec2ops/core/iam';
import { EXPIRE_EC2_POLICY } from '@ec2ops/core/ops';
import { type CallerPolicies, createIamEnforcer, FULL_ACCESS, type IamEnforcer } from './enforce';

/**
 * Each function's generated policy under the name it is deployed as (the SST component:
 * `Worker`, `AmiBakeJob`, …). That name is also the access key id a handler uses against the
 * sandbox's EC2 emulator, so the emulator evaluates exactly the policy the function would get.
 */
export function deployedName(fn: FunctionName): DeployedFunctionName {
  return DEPLOYED_NAMES[fn];
}

/**
 * `{"Worker": {...}, "AmiBakeJob": {...}, …}`: what `ec2ops iam --json` prints. Tests that add
 * their own commands pass the capabilities they run with, so their fixtures are held to the same
 * rule: every call inside the policy its declarations generate.
 */
export function functionPolicies(
  config: StageConfig,
  capabilities: readonly Capability[] = ec2opsCapabilities(),
): Record<string, PolicyDocument> {
  const { policies } = buildFunctionPolicies(capabilities, policyScope(config));
  // A fleet stage's functions also assume the member roles (and list the organization), as deployed.
  return {
    ...Object.fromEntries(
      FUNCTION_NAMES.map((fn) => [
        deployedName(fn),
        { ...policies[fn], Statement: [...policies[fn].Statement, ...hubFleetStatements(config, fn)] },
      ]),
    ),
    // Not derived from commands or jobs: the forecast only reads (core/iam/forecast.ts).
    [FORECAST_FUNCTION]: forecastPolicy(policyScope(config)),
  };
}

/**
 * The access key the sandbox itself (seeding, the console's account view, test set-up) signs
 * with: it stands for the operator's own credentials, not a function, and may do anything.
 */
export const SANDBOX_ACCESS_KEY = 'ec2ops-sandbox-admin';

/** What the sandbox enforces: every function's policy, plus the sandbox's own full-access key. */
export function sandboxCallerPolicies(
  config: StageConfig,
  capabilities: readonly Capability[] = ec2opsCapabilities(),
  memberAccountIds: readonly string[] = [],
): CallerPolicies {
  return {
    ...functionPolicies(config, capabilities),
    // The expiry function is no command or job: its policy is its own (infra/ops.ts deploys the same).
    Expire: EXPIRE_EC2_POLICY,
    [SANDBOX_ACCESS_KEY]: FULL_ACCESS,
    ...Object.fromEntries(memberAccountIds.map((id) => [sandboxMemberAccessKey(id), FULL_ACCESS])),
  };
}

/**
 * The sandbox's own key inside a member account (seeding it, the console reading it): it stands
 * for an organisation administrator there, with full access, as the hub key does in the hub.
 */
export function sandboxMemberAccessKey(accountId: string): string {
  return `${SANDBOX_ACCESS_KEY}-${accountId}`;
}

/** The sandbox's own credentials in a member account (see sandboxMemberAccessKey). */
export function sandboxMemberCredentials(accountId: string): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  return { accessKeyId: sandboxMemberAccessKey(accountId), secretAccessKey: SECRET };
}

/**
 * What a member account's ec2ops role may do, until core generates it (issue 15's
 * memberRolePolicy): the union of every hub function's statements, so whatever a function may do
 * in the hub, its session may do in the member account.
 */
export function unionOfFunctionPolicies(
  config: StageConfig,
  capabilities: readonly Capability[] = ec2opsCapabilities(),
): PolicyDocument {
  const documents = Object.values(functionPolicies(config, capabilities));
  return { Version: '2012-10-17', Statement: documents.flatMap((d) => d.Statement) };
}

/** The secret is never checked (the emulator does not verify signatures); any value will do. */
const SECRET = 'sandbox';

/** What a handler's EC2 client signs with in the sandbox and in tests: its deployed name. */
export function functionCredentials(fn: FunctionName): { accessKeyId: string; secretAccessKey: string } {
  return credentialsOf(deployedName(fn));
}

/** The credentials of a function known by its deployed name (`Worker`, `AmiBakeJob`…). */
export function credentialsOf(deployed: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: deployed, secretAccessKey: SECRET };
}

/** What the sandbox's own set-up (seeding, the console, test fixtures) signs with. */
export const SANDBOX_CREDENTIALS = { accessKeyId: SANDBOX_ACCESS_KEY, secretAccessKey: SECRET } as const;

/** An emulator interceptor enforcing the stage's policies (pass it in `interceptors`). */
export function stageEnforcer(
  config: StageConfig,
  capabilities: readonly Capability[] = ec2opsCapabilities(),
  memberAccountIds: readonly string[] = [],
): IamEnforcer {
  return createIamEnforcer(sandboxCallerPolicies(config, capabilities, memberAccountIds));
}
