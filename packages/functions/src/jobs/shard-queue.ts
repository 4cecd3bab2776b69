import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InputError } from '@ec2ops/core';
import { isJobName, type JobReport, type ShardKey } from '@ec2ops/core/jobs';
import * as z from 'zod';

/**
 * The messages of a fan-out run on its job's shard queue (issues 15 and 20). A scheduled run sends
 * one `shard` message per (account, region) and one `deadline` message; a shard that runs out of
 * time sends a `shard` message with the next continuation number and the ids it left undone.
 */
interface RunFacts {
  job: JobReport['job'];
  runId: string;
  /** The instant the run acts as (ISO-8601). */
  now: string;
  dryRun: boolean;
  /** A dry run a person asked for: its report is posted too. */
  postDryRun?: boolean;
  /** Every shard of the run: whoever reports names the ones without an outcome. */
  expected: ShardKey[];
  startedAt: string;
  /** When (ISO-8601, the run's clock) the run reports whatever finished. */
  deadline: string;
}

/** What one shard message says: enough for the job function to run it, and to run it once. */
export interface ShardMessage extends ShardKey, RunFacts {
  kind: 'shard';
  /** 0 for the scheduled part; n for the n-th continuation. */
  continuation?: number;
  /** A continuation's items: the ids the part before it left undone. */
  cursor?: string[];
}

/** Reports the run at its deadline if the last shard has not (a shard that never finished is named). */
export interface DeadlineMessage extends RunFacts {
  kind: 'deadline';
}

export type FleetMessage = ShardMessage | DeadlineMessage;

/** SQS's longest DelaySeconds: a deadline further off is waited for in several hops. */
export const MAX_DELAY_SECONDS = 900;

export interface ShardQueue {
  send(messages: readonly FleetMessage[], delaySeconds?: number): Promise<void>;
}

/** The job's shard queue on SQS (or the sandbox's SQS, via its endpoint). SendMessageBatch: 10 a request. */
export function sqsShardQueue(client: SQSClient, queueUrl: string): ShardQueue {
  return {
    async send(messages, delaySeconds) {
      const delay =
        delaySeconds === undefined ? undefined : Math.min(MAX_DELAY_SECONDS, Math.max(0, delaySeconds));
      if (messages.length === 1) {
        await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(messages[0]),
            DelaySeconds: delay,
          }),
        );
        return;
      }
      for (let at = 0; at < messages.length; at += 10) {
        const entries = messages.slice(at, at + 10).map((m, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(m),
          DelaySeconds: delay,
        }));
        const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (out.Failed?.length) {
          const first = out.Failed[0]!;
          throw new Error(
            `SQS refused ${out.Failed.length} shard messages: ${first.Code} ${first.Message ?? ''}`,
          );
        }
      }
    },
  };
}

const shardKey = { account: z.string(), alias: z.string(), region: z.string() };

const runFacts = {
  job: z.string().refine(isJobName, 'not a job of ec2ops'),
  runId: z.string(),
  now: z.string(),
  dryRun: z.boolean(),
  postDryRun: z.boolean().optional(),
  expected: z.array(z.object(shardKey)),
  startedAt: z.string(),
  deadline: z.string(),
};

/** The queue's two message kinds, checked as one schema (a shard's key and cursor, or a deadline). */
const fleetMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('shard'),
    ...runFacts,
    ...shardKey,
    continuation: z.number().int().min(0).optional(),
    cursor: z.array(z.string()).optional(),
  }),
  z.object({ kind: z.literal('deadline'), ...runFacts }),
]);

/** Reads a queue message's body; a body that is not a fleet message is an error with a stable code. */
export function parseFleetMessage(body: string): FleetMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InputError('job.shard-message', 'the shard message is not JSON');
  }
  const parsed = fleetMessageSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(message)').join(', ');
    throw new InputError(
      'job.shard-message',
      `the message is neither a shard nor a deadline of a fan-out run (check ${where})`,
    );
  }
  return parsed.data as FleetMessage;
}
