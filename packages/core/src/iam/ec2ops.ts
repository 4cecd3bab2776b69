import { COMMANDS } from '../commands/index';
import type { StageConfig } from '../config/schema';
import { JOB_DEFINITIONS } from '../jobs/catalog';
import { commandCapabilities, jobCapabilities } from './capabilities';
import { buildFunctionPolicies, type Capability, type FunctionPolicies, type PolicyScope } from './policy';

/** Every command and job ec2ops ships, with the function each runs in. */
export function ec2opsCapabilities(): Capability[] {
  return [...commandCapabilities(COMMANDS), ...jobCapabilities(JOB_DEFINITIONS)];
}

/** Security groups a stage lets ec2ops change (config `access.groups`); none until it lists some. */
export function allowedSecurityGroups(config: StageConfig): PolicyScope['securityGroups'] {
  return { ids: [...config.access.groups.ids], tags: { ...config.access.groups.tags } };
}

export function policyScope(config: StageConfig): PolicyScope {
  return {
    tagPrefix: config.tagPrefix,
    regions: config.regions,
    securityGroups: allowedSecurityGroups(config),
  };
}

/** The IAM policy of each function of a stage: what infra attaches to the function roles. */
export function stagePolicies(config: StageConfig): FunctionPolicies {
  return buildFunctionPolicies(ec2opsCapabilities(), policyScope(config));
}
