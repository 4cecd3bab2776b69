import { createHash } from 'node:crypto';
import {
  type ApprovalRequest,
  approvalDecidedMessage,
  approvalOutcomeMessage,
  approvalRequestMessage,
  awaitingApprovalMessage,
  signApproval,
  verifyApproval,
} from '@ec2ops/core/approvals';
import type { CommandRegistry, CommandSpec } from '@ec2ops/core/commands';
import {
  type CommandRequest,
  type DecisionMessage,
  type QueueMessage,
  queueMessageSchema,
} from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import { roleAtLeast } from '@ec2ops/core/config';
import { isErrorCode } from '@ec2ops/core/error-codes';
import { Ec2opsError, ForbiddenError, InputError, isEc2opsError } from '@ec2ops/core/errors';
import {
  code,
  context,
  errorCode,
  errorMessage,
  escapeKeepingMentions,
  type Message,
  paginate,
  section,
} from '@ec2ops/core/slack';
import { approvalMetric, commandMetric } from '@ec2ops/core/telemetry';
import { parseDuration } from '@ec2ops/core/time';
import type { Fleet } from '../accounts/clients';
import type { OrganizationLookup } from '../accounts/organization';
import type { Auditor } from '../audit';
import { refuseIfStale } from '../coordination/stale';
import type { WorkerCoordination } from '../coordination/worker';
import type { Ec2Gateway } from '../ec2/client';
import type { ForecastStarter } from '../forecast-starter';
import type { ExpirySchedules } from '../ops/expiry-schedules';
import type { StatusSources } from '../ops/status';
import type { Logger } from '../telemetry/log';
import type { Meter } from '../telemetry/meter';
import type { Clock, Executor, ExecutorContext, SlackNotifier } from './context';
import { pageButton } from './page-button';
import { spanner } from './span';
import { commandTarget } from './target';

export interface WorkerDeps {
  config: StageConfig;
  commands: CommandRegistry;
  executors: Readonly<Record<string, Executor>>;
  ec2: Ec2Gateway;
  slack: SlackNotifier;
  clock: Clock;
  logger: Logger;
  auditor: Auditor;
  approvalKey: Buffer;
  /** The queue's redrive maxReceiveCount: the attempt that equals it is the last one. */
  maxReceiveCount: number;
  /** See ExecutorContext.pollIntervalMs; tests against the emulator set it shorter. */
  pollIntervalMs?: number | undefined;
  /** Once-only messages and launch reservations (coordination/); unguarded when absent. */
  coordination?: WorkerCoordination | undefined;
  /** Member accounts' clients (issue 15); absent for a stage that acts in the hub account only. */
  fleet?: Fleet | undefined;
  /** See ExecutorContext.expiry. */
  expiry?: ExpirySchedules | undefined;
  /** See ExecutorContext.status. */
  status?: StatusSources | undefined;
  /** Commands by outcome and approvals (telemetry/meter.ts); none counted when absent. */
  meter?: Meter | undefined;
  /** See ExecutorContext.forecasts. */
  forecasts?: ForecastStarter | undefined;
  /** See ExecutorContext.organization. */
  organization?: OrganizationLookup | undefined;
}

/** Done (delete the message) or failed (SQS redelivers it, then moves it to the DLQ). */
export type Outcome = 'done' | 'retry';

/** Runs one queue message. Never throws: every failure is an Outcome. */
export async function runMessage(deps: WorkerDeps, body: string, attempt: number): Promise<Outcome> {
  let message: QueueMessage;
  try {
    message = queueMessageSchema.parse(JSON.parse(body));
  } catch (error) {
    // Cannot become valid by retrying, but keep it: after the retries it lands in the DLQ for a person to read.
    deps.logger.error({ err: error, body: body.slice(0, 500) }, 'unreadable queue message');
    return 'retry';
  }
  try {
    switch (message.kind) {
      case 'command':
        return await runCommand(deps, message.request, attempt);
      case 'decision':
        return await runDecision(deps, message, attempt);
      case 'notice':
        await deps.slack.toResponseUrl(
          message.responseUrl,
          errorMessage(
            new Ec2opsError(
              // A code this deployment does not know (an older or newer sender) is shown as `refused`.
              message.code && isErrorCode(message.code) ? message.code : 'refused',
              message.text,
              message.hint ? { hint: message.hint } : {},
            ),
            message.requestId,
          ),
        );
        return 'done';
      case 'audit':
        if (deps.config.slack.auditChannel)
          await deps.slack.post(deps.config.slack.auditChannel, { text: message.text });
        return 'done';
    }
  } catch (error) {
    deps.logger.error({ err: error, kind: message.kind }, 'queue message failed');
    return 'retry';
  }
}

/** Who asked, for what, where: the audit fields every record about a request carries. */
function whoWhatWhere(request: CommandRequest) {
  return {
    user: request.user.id,
    role: request.user.role,
    command: request.command,
    text: request.text,
    channel: request.channel.id,
  };
}

/** How a command ended, in one line of ec2ops' own mrkdwn, for the approvals message. */
type Report = (line: string) => Promise<void>;

async function runCommand(
  deps: WorkerDeps,
  request: CommandRequest,
  attempt: number,
  report: Report = async () => {},
): Promise<Outcome> {
  const started = deps.clock.now();
  const logger = deps.logger.child({
    // The ec2ops request id, made by the slack function, carried by the queue message, quoted in replies.
    correlation_id: request.id,
    requestId: request.id,
    command: request.command,
    user: request.user.id,
  });
  const spec = deps.commands.get(request.command);
  const audit = (result: 'ok' | 'error', error?: unknown) =>
    deps.auditor.record({
      event: 'outcome',
      requestId: request.id,
      at: deps.clock.now(),
      stage: deps.config.stage,
      ...whoWhatWhere(request),
      result,
      code: error === undefined ? undefined : errorCode(error),
      durationMs: deps.clock.now().getTime() - started.getTime(),
      ...(request.approval ? { reason: `approved by ${request.approval.by}` } : {}),
    });
  try {
    refuseIfStale(request, deps.config.commandMaxAge, started);
    if (!spec)
      throw new InputError(
        'command.unknown',
        `This deployment does not know \`${request.command}\` any more.`,
        { hint: 'See `/ec2 help` for the commands it has now.' },
      );
    // The slack function checked this; checked again because the queue outlives deployments and config changes.
    if (!roleAtLeast(request.user.role, spec.role)) {
      throw new ForbiddenError('role.insufficient', `\`${spec.name}\` needs the ${spec.role} role.`, {
        hint: 'Ask an ec2ops admin if you need it.',
      });
    }
    if (!request.approval && spec.needsApproval) {
      const reason = spec.needsApproval(
        { command: spec.name, args: request.args, user: request.user },
        deps.config,
      );
      if (reason) {
        await requestApproval(deps, request, reason);
        return 'done';
      }
    }
    const executor = deps.executors[spec.name];
    if (!executor)
      throw new InputError(
        'command.not-implemented',
        `\`${spec.name}\` is not available in this deployment yet.`,
        { hint: 'See `/ec2 help` for what it can do, or ask an ec2ops admin to deploy the newer version.' },
      );
    const target = commandTarget(deps, request, spec);
    const context: ExecutorContext = {
      // The role the executor sees is the person's role in the account it acts in.
      request: { ...request, user: { ...request.user, role: target.role } },
      spec,
      config: deps.config,
      ec2: target.ec2,
      span: spanner(deps, request, spec),
      slack: deps.slack,
      clock: deps.clock,
      logger,
      commands: deps.commands,
      attempt,
      idempotencyToken: (scope) => idempotencyToken(request.id, scope),
      pollIntervalMs: deps.pollIntervalMs,
      reservations: deps.coordination?.reservations,
      expiry: deps.expiry,
      status: deps.status,
      forecasts: deps.forecasts,
      organization: deps.organization,
    };
    const result = await executor(context);
    await deps.slack.respond(request, paged(result, request, spec));
    await audit('ok');
    deps.meter?.emit([commandMetric(request.command, 'ok')]);
    await report(`:white_check_mark: ${result.text ?? 'done'}`);
    return 'done';
  } catch (error) {
    if (isEc2opsError(error)) {
      // Written for people: tell them, do not retry.
      logger.info({ code: error.code }, 'request refused');
      await audit('error', error);
      deps.meter?.emit([commandMetric(request.command, 'refused')]);
      await deps.slack.respond(request, withReplace(errorMessage(error, request.id), request));
      await report(`:x: failed: ${escapeKeepingMentions(error.message)} (${code(error.code)})`);
      return 'done';
    }
    const final = attempt >= deps.maxReceiveCount;
    logger.error({ err: error, attempt, final }, 'request failed');
    if (final) {
      await audit('error', error);
      deps.meter?.emit([commandMetric(request.command, 'failed')]);
      try {
        await deps.slack.respond(request, failedMessage(request));
        await report(':x: failed and was not completed');
      } catch (notifyError) {
        logger.error({ err: notifyError }, 'could not tell the requester');
      }
    }
    return 'retry';
  }
}

async function requestApproval(deps: WorkerDeps, request: CommandRequest, reason: string): Promise<void> {
  const channel = deps.config.slack.approvalsChannel;
  if (!channel) {
    throw new ForbiddenError(
      'approval.no-channel',
      `This request needs approval (${reason}), but this stage has no approvals channel.`,
      {
        hint: 'An admin can set slack.approvalsChannel in the stage config.',
      },
    );
  }
  const now = deps.clock.now();
  const iat = Math.floor(now.getTime() / 1000);
  const approval: ApprovalRequest = {
    v: 1,
    id: request.id,
    requester: request.user.id,
    role: request.user.role,
    command: request.command,
    args: request.args,
    text: request.text,
    channel: request.channel.id,
    reason,
    iat,
    exp: iat + Math.floor((parseDuration(deps.config.slack.approvalExpiry) ?? 3_600_000) / 1000),
    // No response_url in the token: button values reach every client in the approvals channel,
    // and a response_url lets whoever holds it post as ec2ops to the requester. Outcomes go by DM.
  };
  const token = signApproval(approval, deps.approvalKey);
  await deps.slack.post(channel, approvalRequestMessage(approval, token));
  await deps.slack.respond(request, awaitingApprovalMessage(approval, now));
  await deps.auditor.record({
    event: 'approval-requested',
    requestId: request.id,
    at: now,
    stage: deps.config.stage,
    ...whoWhatWhere(request),
    reason,
  });
}

async function runDecision(deps: WorkerDeps, message: DecisionMessage, attempt: number): Promise<Outcome> {
  const decidedAt = new Date(message.decidedAt);
  let approval: ApprovalRequest;
  try {
    // Checked at click time by the slack function; checked again here against the click's time.
    approval = verifyApproval(message.token, {
      key: deps.approvalKey,
      now: decidedAt,
      approver: message.approver,
      approverRole: deps.config.slack.approverRole ?? 'admin',
    });
  } catch (error) {
    deps.logger.warn({ err: error }, 'decision refused by the worker');
    if (message.responseUrl)
      await deps.slack.toResponseUrl(message.responseUrl, errorMessage(error, 'decision'));
    return 'done';
  }
  const by = message.approver.id;
  if (message.responseUrl && attempt === 1) {
    try {
      await deps.slack.toResponseUrl(
        message.responseUrl,
        approvalDecidedMessage(approval, message.decision, by, decidedAt),
      );
    } catch (error) {
      deps.logger.warn({ err: error, requestId: approval.id }, 'could not mark the approval message decided');
    }
  }
  await deps.auditor.record({
    event: message.decision === 'approve' ? 'approved' : 'denied-by-approver',
    requestId: approval.id,
    at: decidedAt,
    stage: deps.config.stage,
    user: by,
    role: message.approver.role,
    requester: approval.requester,
    command: approval.command,
    text: approval.text,
    channel: approval.channel,
    reason: approval.reason,
  });
  deps.meter?.emit([approvalMetric(message.decision === 'approve' ? 'approved' : 'rejected')]);
  const requester = { id: approval.id, user: { id: approval.requester }, responseUrl: approval.responseUrl };
  if (attempt === 1)
    await deps.slack.respond(requester, approvalOutcomeMessage(approval, message.decision, by));
  if (message.decision === 'deny') return 'done';
  const request: CommandRequest = {
    id: approval.id,
    command: approval.command,
    args: approval.args,
    text: approval.text,
    user: { id: approval.requester, role: approval.role },
    channel: { id: approval.channel },
    requestedAt: new Date(approval.iat * 1000).toISOString(),
    origin: 'approval',
    approval: { by, at: decidedAt.toISOString() },
    ...(approval.responseUrl ? { responseUrl: approval.responseUrl } : {}),
  };
  // The approvals message ends in the final state: who decided, and what the command did.
  const { responseUrl } = message;
  const decided = approvalDecidedMessage(approval, message.decision, by, decidedAt);
  const report: Report = async (line) => {
    if (!responseUrl) return;
    try {
      await deps.slack.toResponseUrl(responseUrl, {
        ...decided,
        text: `${decided.text} — ${line}`,
        blocks: [...(decided.blocks ?? []), ...section(line)],
      });
    } catch (error) {
      deps.logger.warn(
        { err: error, requestId: approval.id },
        'could not put the result on the approval message',
      );
    }
  };
  return runCommand(deps, request, attempt, report);
}

/** Same for every run of one request; at most 64 characters (EC2 ClientToken's limit). */
export function idempotencyToken(requestId: string, scope?: string): string {
  const token = scope ? `${requestId}:${scope}` : requestId;
  return token.length <= 64
    ? token
    : `${requestId.slice(0, 20)}:${createHash('sha256').update(token).digest('hex').slice(0, 40)}`;
}

function paged(result: Message, request: CommandRequest, spec: CommandSpec): Message {
  const message = withReplace(result, request);
  if (!message.blocks) return message;
  const page = paginate(message.blocks, request.page ?? 1, pageButton(request, spec));
  return { ...message, blocks: page.blocks };
}

function withReplace(message: Message, request: CommandRequest): Message {
  return request.replaceOriginal ? { ...message, replace_original: true } : message;
}

function failedMessage(request: CommandRequest): Message {
  const text = `Your request ${code(`/ec2 ${request.text}`)} failed and was not completed. If you ask for help, quote request ${request.id}.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [...section(`:x: ${text}`), ...context(`request ${code(request.id)}`)],
  };
}
