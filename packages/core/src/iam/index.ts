export { commandCapabilities, jobCapabilities } from './capabilities';
export type { Condition } from './conditions';
export * from './doc';
export { allowedSecurityGroups, ec2opsCapabilities, launchScope, policyScope, stagePolicies } from './ec2ops';
export { FORECAST_FUNCTION, forecastPolicy, TWIN_READ_ACTIONS, type TwinReadAction } from './forecast';
export { ARN, TAG_ON_CREATE } from './guards';
export { FLEET_FUNCTIONS, hubFleetStatements, hubRoleName } from './hub-assume';
export * from './markdown';
export * from './member-role';
export {
  allowedActions,
  buildFunctionPolicies,
  type Capability,
  FUNCTION_NAMES,
  type FunctionPolicies,
  type LaunchScope,
  type PolicyDocument,
  type PolicyScope,
  type PolicyStatement,
} from './policy';
export * from './size';
