import type { FunctionName } from '../capability';
import { COMMANDS } from '../commands/index';
import { instanceRoleName } from '../config/launch';
import type { StageConfig } from '../config/schema';
import { JOB_DEFINITIONS } from '../job-catalog';
import { commandCapabilities, jobCapabilities } from './capabilities';
import { hubFleetStatements } from './hub-assume';
import {
  buildFunctionPolicies,
  type Capability,
  type FunctionPolicies,
  type LaunchScope,
  type PolicyDocument,
  type PolicyScope,
} from './policy';

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
    // The bake copies images to its DR regions and keeps them there (retention, deprecation).
    extraRegions: { 'ami-bake': config.bake.copyTo.map((t) => t.region) },
    securityGroups: allowedSecurityGroups(config),
    launch: launchScope(config),
    eipScope: config.eip.scope,
    ssmParameters: config.launch.images.ssmParameters,
  };
}

/** What a launch may use: the stage's subnets, groups, image owners (and its own), profile, families. */
export function launchScope(config: StageConfig): LaunchScope {
  const { launch } = config;
  const subnets = Object.values(launch.subnets.aliases);
  const def = launch.subnets.default;
  if (def?.startsWith('subnet-')) subnets.push(def);
  const families = Object.values(launch.types.roles).flatMap((limit) => limit?.families ?? []);
  return {
    instanceRole: instanceRoleName(launch),
    instanceProfile: launch.instanceProfile,
    subnets: [...new Set(subnets)].sort(),
    securityGroups: [...launch.securityGroups].sort(),
    // Approved images baked or copied into the account are owned by it.
    imageOwners: [...new Set([...Object.values(launch.images.aliases).map((a) => a.owner), 'self'])].sort(),
    instanceTypes: [...new Set(families.map((f) => `${f}.*`))].sort(),
  };
}

/** The IAM policy of each function of a stage: what infra attaches to the function roles. */
export function stagePolicies(config: StageConfig): FunctionPolicies {
  const built = buildFunctionPolicies(ec2opsCapabilities(), policyScope(config));
  for (const [fn, document] of Object.entries(built.policies) as [FunctionName, PolicyDocument][]) {
    document.Statement.push(...hubFleetStatements(config, fn));
  }
  return built;
}
