import type { EC2Client } from '@aws-sdk/client-ec2';

export interface CallCounter {
  /** Calls the code made, by operation (`DescribeAddresses`…). */
  calls: Record<string, number>;
  /** HTTP attempts including the SDK's retries. */
  attempts: number;
  total(): number;
}

/**
 * Counts calls and attempts on a client (for benches and tests): `initialize` runs once per
 * call, `deserialize` once per attempt (it sits inside the retry loop).
 */
export function countCalls(client: EC2Client, counter: CallCounter = newCallCounter()): CallCounter {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counter.calls[name] = (counter.calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'ec2opsCountCalls' },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      counter.attempts += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'ec2opsCountAttempts' },
  );
  return counter;
}

export function newCallCounter(): CallCounter {
  return {
    calls: {},
    attempts: 0,
    total() {
      return Object.values(this.calls).reduce((a, b) => a + b, 0);
    },
  };
}
