import { conditionHolds } from './conditions';
import { ContextLookup, type RequestContext, substituteVariables } from './context';
import { type IamPolicy, type IamStatement, list, statementsOf } from './policy';
import { actionMatches, arnMatches } from './wildcard';

/**
 * IAM's evaluation logic for identity-based policies within one account: an explicit Deny in
 * any statement wins; otherwise an Allow whose action, resource and conditions all match
 * allows; otherwise the request is implicitly denied.
 */
export interface IamRequest {
  /** `service:Action`, e.g. `ec2:RunInstances`. */
  action: string;
  /** The resource's ARN, or `*` for actions that name none. */
  resource: string;
  context?: RequestContext;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  decision: Decision;
  /** The statement that decided (the deny that won, or an allow that matched). */
  statement?: IamStatement;
}

export function evaluate(policies: IamPolicy | readonly IamPolicy[], request: IamRequest): Evaluation {
  const context = new ContextLookup(request.context ?? {});
  let allowedBy: IamStatement | undefined;
  for (const policy of Array.isArray(policies) ? policies : [policies]) {
    for (const statement of statementsOf(policy as IamPolicy)) {
      if (!statementApplies(statement, request, context)) continue;
      if (statement.Effect === 'Deny') return { decision: 'ExplicitDeny', statement };
      allowedBy ??= statement;
    }
  }
  return allowedBy ? { decision: 'Allow', statement: allowedBy } : { decision: 'ImplicitDeny' };
}

function statementApplies(statement: IamStatement, request: IamRequest, context: ContextLookup): boolean {
  const actionListed = (patterns: string[]) => patterns.some((p) => actionMatches(p, request.action));
  const actionOk =
    statement.Action !== undefined
      ? actionListed(list(statement.Action))
      : !actionListed(list(statement.NotAction));
  if (!actionOk) return false;
  const resourceListed = (patterns: string[]) =>
    patterns.some((p) => {
      const pattern = substituteVariables(p, context, true);
      return pattern !== undefined && arnMatches(pattern, request.resource);
    });
  const resourceOk =
    statement.Resource !== undefined
      ? resourceListed(list(statement.Resource))
      : !resourceListed(list(statement.NotResource));
  return resourceOk && conditionHolds(statement.Condition, context);
}
