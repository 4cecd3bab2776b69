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

/**
 * Client-side pacing for bulk mutating calls: a token bucket, so a job does not spend its own
 * retries (and the account's shared EC2 bucket) on requests that would be throttled anyway.
 * EC2 documents its default bucket for mutating actions as 50 requests, refilled at 5 per second,
 * per account and region; SDK retries still handle throttling caused by anyone else.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a request may go; callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens < 1) {
        const waitMs = ((1 - this.tokens) / this.perSecond) * 1000;
        await this.sleep(waitMs);
        this.tokens = 1;
        this.last = this.now();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }
}
