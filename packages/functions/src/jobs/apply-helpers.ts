import type { ItemOutcome, ItemResult, PlanItem } from '@ec2ops/core/jobs/types';
import { awsErrorCode, awsErrorMessage, isThrottling } from './aws-errors';

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

/** Maps over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Splits into chunks of at most `size` (EC2 accepts up to 1,000 resources per CreateTags). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
