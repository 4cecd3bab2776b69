import type { CommandRequest, CommandSpec, ParsedCommand } from '@ec2ops/core/commands';
import { formatCommand, parseCommand, parseFormValues, unescapeSlack } from '@ec2ops/core/commands';
import { type Role, roleAtLeast } from '@ec2ops/core/config';
import { ForbiddenError } from '@ec2ops/core/errors';
import { errorCode } from '@ec2ops/core/slack';
import { commandMetric } from '@ec2ops/core/telemetry';
import type { SlackDeps } from './deps';

/** A command as it reaches ec2ops: typed, clicked (a `run` button) or submitted from a modal. */
export interface Intake {
  text: string;
  user: { id: string; name?: string | undefined };
  channel: { id: string; name?: string | undefined };
  teamId?: string | undefined;
  responseUrl?: string | undefined;
  origin: 'slash' | 'button' | 'modal';
  /** A submitted form: its command's values by name, checked as values (never re-parsed as text). */
  form?: { command: string; values: Record<string, string | undefined> };
  replaceOriginal?: boolean;
}

export type IntakeResult =
  | { kind: 'queued'; request: CommandRequest; spec: CommandSpec }
  | { kind: 'modal'; requestId: string; spec: CommandSpec; parsed: ParsedCommand; role: Role }
  | { kind: 'refused'; requestId: string; error: unknown };

/** The command dimension of a request refused before its command was known (typed names are
 * not used: any text would become a metric of its own). */
const UNPARSED = 'unknown';

/**
 * The one path every command takes in the slack function: role → parse → role needed by the
 * command → queue. Nothing slow happens here (the role lookup is bounded, see roles.ts).
 * Every decision is audited; only denials also go to the audit channel from here (an allowed
 * request reaches it with its outcome, from the worker), so the channel gets one line per request.
 */
export async function intake(deps: SlackDeps, input: Intake): Promise<IntakeResult> {
  const requestId = deps.newRequestId();
  // Every log line of this invocation carries the request id the worker and the replies carry.
  deps.logger.correlate?.(requestId);
  const started = deps.clock.now();
  // The highest role in any account lets a command through; the worker checks the account it acts in.
  const { anywhere: role, groups, incomplete } = await deps.roles.resolve(input.user.id);
  // What the person typed, Slack's entities decoded: audit and replies show it (escaped) as typed.
  const typed = unescapeSlack(input.text).trim();
  const deny = async (error: ForbiddenError, command?: string): Promise<IntakeResult> => {
    await deps.auditor.record({
      event: 'denied',
      requestId,
      at: started,
      stage: deps.config.stage,
      user: input.user.id,
      role,
      command,
      text: typed,
      channel: input.channel.id,
      result: 'refused',
      code: error.code,
      message: error.message,
    });
    deps.meter?.emit([commandMetric(command ?? UNPARSED, 'denied')]);
    return { kind: 'refused', requestId, error };
  };
  if (!role) {
    return deny(
      incomplete
        ? new ForbiddenError(
            'role.unavailable',
            'Your role could not be checked just now (Slack user groups did not answer in time).',
            {
              hint: 'Try again in a moment.',
            },
          )
        : new ForbiddenError('role.none', `You have no ec2ops role in stage ${deps.config.stage}.`, {
            hint: 'Ask an ec2ops admin to add your Slack user, or a user group you are in, to `roles` in the stage config.',
          }),
    );
  }
  let parsed: ParsedCommand;
  try {
    const formSpec = input.form && deps.commands.get(input.form.command);
    parsed = formSpec
      ? parseFormValues(formSpec, input.form!.values, deps.commands)
      : parseCommand(input.text, deps.commands);
  } catch (error) {
    deps.logger.info({ requestId, user: input.user.id, code: errorCode(error) }, 'command not understood');
    deps.meter?.emit([commandMetric(UNPARSED, 'invalid')]);
    return { kind: 'refused', requestId, error };
  }
  const spec = deps.commands.get(parsed.command)!;
  if (!roleAtLeast(role, spec.role)) {
    return deny(
      new ForbiddenError(
        'role.insufficient',
        `\`${spec.name}\` needs the ${spec.role} role; you are ${role}.`,
        {
          hint: 'Ask an ec2ops admin if you need it.',
        },
      ),
      spec.name,
    );
  }
  if (input.origin === 'slash' && spec.modal?.opensWhen(parsed))
    return { kind: 'modal', requestId, spec, parsed, role };

  const request: CommandRequest = {
    id: requestId,
    command: spec.name,
    args: parsed.args,
    // A form's values are shown as the command that does the same, for audit and replies.
    text: input.form ? formatCommand(parsed, spec) : typed,
    user: {
      id: input.user.id,
      role,
      ...(input.user.name ? { name: input.user.name } : {}),
      ...(groups.length > 0 ? { groups } : {}),
    },
    channel: { id: input.channel.id, ...(input.channel.name ? { name: input.channel.name } : {}) },
    requestedAt: started.toISOString(),
    origin: input.origin,
  };
  if (parsed.page !== undefined) request.page = parsed.page;
  if (parsed.account !== undefined) request.account = parsed.account;
  if (parsed.region !== undefined) request.region = parsed.region;
  if (input.teamId) request.teamId = input.teamId;
  if (input.responseUrl) request.responseUrl = input.responseUrl;
  if (input.replaceOriginal) request.replaceOriginal = true;
  try {
    await deps.queue.send({ v: 1, kind: 'command', request });
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not queue the request');
    return { kind: 'refused', requestId, error };
  }
  await deps.auditor.record(
    {
      event: 'allowed',
      requestId,
      at: started,
      stage: deps.config.stage,
      user: input.user.id,
      role,
      command: spec.name,
      text: request.text,
      channel: input.channel.id,
    },
    { channel: false },
  );
  return { kind: 'queued', request, spec };
}
