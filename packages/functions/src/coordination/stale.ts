import type { CommandRequest } from '@ec2ops/core/commands';
import { InputError } from '@ec2ops/core/errors';
import { parseDuration } from '@ec2ops/core/time';

/** When a stage sets no commandMaxAge. */
export const DEFAULT_COMMAND_MAX_AGE = '15m';

/**
 * Refuses a queued command that waited longer than the stage's `commandMaxAge`: the queue keeps
 * messages for days (redrive from the DLQ, a backlog after an outage), and a launch or an open
 * port asked for yesterday is not what the person wants now. An approved command counts from the
 * decision, since waiting for an approver is expected.
 */
export function refuseIfStale(request: CommandRequest, maxAge: string | undefined, now: Date): void {
  const since = new Date(request.approval?.at ?? request.requestedAt);
  const limitMs = parseDuration(maxAge ?? DEFAULT_COMMAND_MAX_AGE) ?? 15 * 60_000;
  if (!(now.getTime() - since.getTime() > limitMs)) return;
  throw new InputError(
    'command.stale',
    `Your \`${request.command}\` request waited in the queue since ${since.toISOString()}, longer than this stage allows (${maxAge ?? DEFAULT_COMMAND_MAX_AGE}); it was not run.`,
    // The command name only, never the typed text: it is untrusted mrkdwn.
    { hint: 'Ask again if you still want it.' },
  );
}
