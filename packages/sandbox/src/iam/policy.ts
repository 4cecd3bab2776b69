/**
 * The parts of an IAM policy document the evaluator reads. Written loosely (string or list,
 * any key case for operators' keys) because policies come from JSON files people write.
 */
export type OneOrMany<T> = T | T[];

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string | number | boolean>>>;
}

export interface IamPolicy {
  Version?: string;
  Statement: OneOrMany<IamStatement>;
}

/**
 * A policy that IAM would refuse to store (unknown operator, no Action, bad Effect). Thrown at
 * evaluation so a broken file fails loudly instead of silently denying everything.
 */
export class IamPolicyError extends Error {
  readonly code = 'iam.policy.invalid';

  constructor(message: string) {
    super(message);
    this.name = 'IamPolicyError';
  }
}

export const list = <T>(value: OneOrMany<T> | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function statementsOf(policy: IamPolicy): IamStatement[] {
  const statements = list(policy.Statement);
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw new IamPolicyError(`statement ${statement.Sid ?? ''} has Effect ${String(statement.Effect)}`);
    }
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new IamPolicyError(`statement ${statement.Sid ?? ''} needs exactly one of Action and NotAction`);
    }
    if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
      throw new IamPolicyError(
        `statement ${statement.Sid ?? ''} needs exactly one of Resource and NotResource`,
      );
    }
  }
  return statements;
}
