import type { EC2Client } from '@aws-sdk/client-ec2';
import { isThrottling } from './errors';

export interface CallCounter {
  /** Calls the code made, by operation (`DescribeAddresses`…). */
  calls: Record<string, number>;
  /** HTTP attempts including the SDK's retries. */
  attempts: number;
  /** Attempts EC2 refused as throttled (each one the SDK then retried or gave up on). */
  throttles: number;
  total(): number;
}

/** Several counters may watch one client (a bench's and a run's), so each gets its own names. */
let attached = 0;

/**
 * Counts calls, attempts and throttles on a client (job reports, benches, tests): `initialize`
 * runs once per call, `deserialize` once per attempt (it sits inside the retry loop, so a
 * throttled attempt throws through it). Returns the counter; `detach` removes the middleware
 * again, for clients that outlive the run that counts (the composition root reuses them).
 */
export function countCalls(client: EC2Client, counter: CallCounter = newCallCounter()): CallCounter {
  watchCalls(client, counter);
  return counter;
}

export function watchCalls(client: EC2Client, counter: CallCounter): { detach(): void } {
  attached += 1;
  const callsName = `ec2opsCountCalls${attached}`;
  const attemptsName = `ec2opsCountAttempts${attached}`;
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counter.calls[name] = (counter.calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: callsName },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.attempts += 1;
      try {
        return await next(args);
      } catch (error) {
        if (isThrottling(error)) counter.throttles += 1;
        throw error;
      }
    },
    { step: 'deserialize', name: attemptsName },
  );
  return {
    detach() {
      client.middlewareStack.remove(callsName);
      client.middlewareStack.remove(attemptsName);
    },
  };
}

export function newCallCounter(): CallCounter {
  return {
    calls: {},
    attempts: 0,
    throttles: 0,
    total() {
      return Object.values(this.calls).reduce((a, b) => a + b, 0);
    },
  };
}
