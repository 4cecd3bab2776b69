import type { FunctionName } from '../capability';
import type { PolicyDocument } from './policy';

/** IAM counts all of a role's inline policies together, without whitespace. */
export const INLINE_POLICY_LIMIT = 10_240;
/**
 * Kept free for the inline policy SST writes on the same role (queue and DLQ access, linked
 * resources): a few hundred characters today, so this leaves room for it to grow.
 */
export const SST_INLINE_RESERVE = 1_500;

/** A function whose EC2 policy would not fit, and the statement that makes it big. */
export interface PolicySizeProblem {
  fn: FunctionName;
  length: number;
  budget: number;
  largest: { sid: string; length: number; resources: number };
}

/** The length IAM counts: the JSON without whitespace. */
export function iamLength(document: unknown): number {
  return JSON.stringify(document).replace(/\s+/g, '').length;
}

export function policySizeProblems(
  policies: Record<FunctionName, PolicyDocument>,
  budget = INLINE_POLICY_LIMIT - SST_INLINE_RESERVE,
): PolicySizeProblem[] {
  const problems: PolicySizeProblem[] = [];
  for (const [fn, document] of Object.entries(policies) as [FunctionName, PolicyDocument][]) {
    const length = iamLength(document);
    if (length <= budget) continue;
    const [largest] = [...document.Statement].sort((a, b) => iamLength(b) - iamLength(a));
    problems.push({
      fn,
      length,
      budget,
      largest: {
        sid: largest?.Sid ?? '?',
        length: iamLength(largest),
        resources: largest?.Resource.length ?? 0,
      },
    });
  }
  return problems;
}

/** One sentence per problem, for the message `sst deploy` prints. */
export function describePolicySize(problem: PolicySizeProblem): string {
  const { fn, length, budget, largest } = problem;
  return (
    `the ${fn} function's EC2 policy would be ${length} characters; a role holds ${budget} beside SST's own. ` +
    `The statement that grows is "${largest.sid}" (${largest.length} characters, ${largest.resources} resources).`
  );
}
