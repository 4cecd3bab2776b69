import { chunk, EC2_BATCH } from './batches';
import { awsErrorMessage } from './errors';

/** An id EC2 would not take, with the error that named it (or that failed its whole batch). */
export interface Refusal {
  id: string;
  error: unknown;
}

export interface BatchRun<R> {
  /** What each accepted call returned, in order. */
  responses: R[];
  /** The ids accepted, in order. */
  accepted: string[];
  refused: Refusal[];
}

export interface BatchOptions {
  /** Ids per call; EC2's documented maximum (1,000) unless a test asks for less. */
  size?: number | undefined;
  /** Runs before every call with the ids it carries (client-side pacing). */
  before?: ((ids: readonly string[]) => Promise<void>) | undefined;
}

/**
 * The ids EC2 names in an error's message: `The instance IDs 'i-1, i-2' do not exist`,
 * `The instance 'i-1' is not in a state from which it can be stopped.` Only ids of the batch
 * count, matched as whole words so an 8-digit id never matches inside a 17-digit one.
 */
export function idsNamedIn(error: unknown, ids: readonly string[]): string[] {
  const words = new Set(awsErrorMessage(error).match(/[a-z]+-[0-9a-f]+/g) ?? []);
  return ids.filter((id) => words.has(id));
}

/**
 * Sends ids in as few calls as EC2 allows. EC2 checks a whole batch before acting and refuses
 * all of it when one id is bad, naming that id; so a named id becomes that item's refusal and
 * the rest of its batch is sent again. An error that names none of them (throttled past the
 * SDK's retries, not allowed) is every id's refusal in that batch: it says nothing about which.
 */
export async function sendInBatches<R>(
  ids: readonly string[],
  send: (ids: string[]) => Promise<R>,
  options: BatchOptions = {},
): Promise<BatchRun<R>> {
  const run: BatchRun<R> = { responses: [], accepted: [], refused: [] };
  for (const first of chunk([...new Set(ids)], options.size ?? EC2_BATCH)) {
    let batch = first;
    while (batch.length > 0) {
      await options.before?.(batch);
      try {
        run.responses.push(await send(batch));
        run.accepted.push(...batch);
        break;
      } catch (error) {
        const named = idsNamedIn(error, batch);
        const refused = named.length > 0 ? named : batch;
        run.refused.push(...refused.map((id) => ({ id, error })));
        batch = batch.filter((id) => !refused.includes(id));
      }
    }
  }
  return run;
}
