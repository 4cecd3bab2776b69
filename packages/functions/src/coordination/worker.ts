import type { Context } from 'aws-lambda';
import { type MessageOutcome, type OnceOnly, onceOnlyKey, onceOnlyMessages } from './once-only';
import { type LaunchReservations, launchReservations } from './reservations';
import type { CoordinationTable } from './table';

/** What the worker gets from the coordination table (built once per cold start). */
export interface WorkerCoordination {
  onceOnly: OnceOnly;
  reservations: LaunchReservations;
}

export function workerCoordination(table: CoordinationTable, now: () => Date): WorkerCoordination {
  return { onceOnly: onceOnlyMessages(table), reservations: launchReservations(table, now) };
}

/**
 * Runs one queue message body once per request (see once-only.ts); without a table, or for a
 * message without a key, runs it as is.
 */
export async function runOnceOnly(
  coordination: WorkerCoordination | undefined,
  body: string,
  run: () => Promise<MessageOutcome>,
): Promise<MessageOutcome> {
  const key = coordination ? onceOnlyKey(body) : undefined;
  return key ? coordination!.onceOnly.run(key, run) : run();
}

export function beginBatch(coordination: WorkerCoordination | undefined, context: Context | undefined): void {
  coordination?.onceOnly.begin(context);
}
