import type { FunctionName } from '@ec2ops/core/capability';
import type { StageConfig } from '@ec2ops/core/config';
import {
  buildFunctionPolicies,
  type Capability,
  ec2opsCapabilities,
  FORECAST_FUNCTION,
  FUNCTION_NAMES,
  forecastPolicy,
  type PolicyDocument,
  policyScope,
} from '@ec2ops/core/iam';
import { type CallerPolicies, createIamEnforcer, FULL_ACCESS, type IamEnforcer } from './enforce';

/**
 * Each function's generated policy under the name it is deployed as (the SST component:
 * `Worker`, `AmiBakeJob`, …). That name is also the access key id a handler uses against the
 * sandbox's EC2 emulator, so the emulator evaluates exactly the policy the function would get.
 */
const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

export function deployedName(fn: FunctionName): string {
  return fn === 'slack' || fn === 'worker' ? pascal(fn) : `${pascal(fn)}Job`;
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
  return {
    ...Object.fromEntries(FUNCTION_NAMES.map((fn) => [deployedName(fn), policies[fn]])),
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
): CallerPolicies {
  return { ...functionPolicies(config, capabilities), [SANDBOX_ACCESS_KEY]: FULL_ACCESS };
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
): IamEnforcer {
  return createIamEnforcer(sandboxCallerPolicies(config, capabilities));
}
