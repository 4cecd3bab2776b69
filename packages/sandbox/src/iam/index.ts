export type { ContextValue, RequestContext } from './context';
export { type Decision, type Evaluation, evaluate, type IamRequest } from './evaluate';
export { type IamPolicy, IamPolicyError, type IamStatement } from './policy';
