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

  /**
   * Resolves when a request worth `count` tokens may go (a batch drawing from a resource bucket
   * takes one per instance); callers are served in order. More than a full bucket waits for a
   * full bucket, as EC2 admits it.
   */
  take(count = 1): Promise<void> {
    const need = Math.min(count, this.burst);
    const turn = this.queue.then(async () => {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens < need) {
        const waitMs = ((need - this.tokens) / this.perSecond) * 1000;
        await this.sleep(waitMs);
        this.tokens = need;
        this.last = this.now();
      }
      this.tokens -= need;
    });
    this.queue = turn;
    return turn;
  }
}
