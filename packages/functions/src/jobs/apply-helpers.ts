import type { ItemOutcome, ItemResult, PlanItem } from '@ec2ops/core/jobs';
import { awsErrorCode, awsErrorMessage, isThrottling } from '../ec2/errors';

/** Explains a failure in "cannot …: …, do …" form; a job passes its own for known codes. */
export type FailureExplainer = (
  error: unknown,
  item: PlanItem,
) => { code: string; message: string } | undefined;

export function genericFailure(error: unknown, item: PlanItem): { code: string; message: string } {
  const code = awsErrorCode(error);
  if (isThrottling(error)) {
    return {
      code,
      message: `cannot ${item.action}: EC2 kept throttling after retries, do nothing: the next run retries it`,
    };
  }
  if (code === 'UnauthorizedOperation' || code === 'AccessDenied' || code === 'AuthFailure') {
    return {
      code,
      message: `cannot ${item.action}: not allowed (${awsErrorMessage(error)}), do check the job role's IAM policy`,
    };
  }
  return {
    code,
    message: `cannot ${item.action}: ${awsErrorMessage(error)}, do check the logs; the next run retries it`,
  };
}

/**
 * How every job words an item apply did not start because the invocation's deadline came: the
 * generic runner (run.ts) recognises the rest of a run by this prefix, whatever the job, and hands
 * it to a continuation (issue 20).
 */
export const OUT_OF_TIME = 'out of time in this run';

/** The skip of an item the deadline left undone; `next` says what the next run or part does. */
export function outOfTimeSkip(next: string): ItemOutcome {
  return { status: 'skipped', reason: `${OUT_OF_TIME}: ${next}` };
}

export function resultOf(item: PlanItem, outcome: ItemOutcome): ItemResult {
  return { id: item.id, region: item.region, action: item.action, resource: item.resource, outcome };
}

/** Runs one item's work; an exception becomes that item's failure, never the run's. */
export async function settle(
  item: PlanItem,
  work: () => Promise<ItemOutcome>,
  explain?: FailureExplainer,
): Promise<ItemResult> {
  try {
    return resultOf(item, await work());
  } catch (error) {
    const failure = explain?.(error, item) ?? genericFailure(error, item);
    return resultOf(item, { status: 'failed', ...failure });
  }
}
