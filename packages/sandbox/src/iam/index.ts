export type { ContextValue, RequestContext } from './context';
export { type Ec2Check, ec2Checks } from './ec2-requests';
export {
  type CallerPolicies,
  createIamEnforcer,
  type Denial,
  FULL_ACCESS,
  type IamEnforcer,
} from './enforce';
export { type Decision, type Evaluation, evaluate, type IamRequest } from './evaluate';
export { type IamPolicy, IamPolicyError, type IamStatement } from './policy';
