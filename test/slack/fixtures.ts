import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { CommandSpec } from '@ec2ops/core/commands';
import { type CommandRequest, commandRequestSchema } from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import { ec2Gateway } from '@ec2ops/functions/ec2/client';
import type { Executor, ExecutorContext } from '@ec2ops/functions/worker/context';
import type { SentRequest } from '@ec2ops/sandbox/slack/client';
import type { SourceMessage } from '@ec2ops/sandbox/slack/payloads';
import type { ChannelMessage } from '@ec2ops/sandbox/slack/records';
import type { Harness } from './harness';

/**
 * A test-only mutating command standing in for real ones until they exist: `probe small|big`
 * launches one instance with RunInstances, ClientToken = the request's idempotency token (as
 * `launch` does); `big` needs approval.
 */
export const probeSpec: CommandSpec = {
  name: 'probe',
  summary: 'Launch a probe instance (tests only)',
  role: 'operator',
  mutates: true,
  iam: [{ actions: ['ec2:DescribeImages', 'ec2:RunInstances'], why: 'tests only' }],
  args: [{ name: 'size', type: 'enum', values: ['small', 'big'], required: true, description: 'how big' }],
  needsApproval: (request) => (request.args['size'] === 'big' ? 'big probes need an admin' : undefined),
};

export const probeExecutor: Executor = async (ctx) => {
  const ec2 = ctx.ec2.client();
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images![0]!.ImageId!,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: ctx.idempotencyToken(),
      // The generated policy launches only with IMDSv2 and encrypted volumes, as /ec2 launch does.
      MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [
        { DeviceName: images.Images![0]!.RootDeviceName ?? '/dev/xvda', Ebs: { Encrypted: true } },
      ],
      // The generated policy launches only what is tagged managed on create (instance and volumes).
      TagSpecifications: ['instance' as const, 'volume' as const].map((ResourceType) => ({
        ResourceType,
        Tags: [{ Key: 'ec2ops:managed', Value: 'true' }],
      })),
    }),
  );
  return { response_type: 'ephemeral', text: `probe launched ${out.Instances![0]!.InstanceId}` };
};

/**
 * The answer to a slash command or click: the first reply posted to its response_url, or — when
 * the slack function refused it before queueing anything (parse, role) — its HTTP response.
 * `queued` is `h.sent.length` from before the request was sent.
 */
export async function answerTo(
  h: Harness,
  sent: SentRequest,
  queued: number,
  timeoutMs = 10_000,
): Promise<{ payload: { text?: string; blocks?: unknown[] }; immediate: boolean }> {
  const urlId = sent.responseUrl!.id;
  const immediate = sent.json as { text?: string } | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reply = h.slack.workspace.responseUrl(urlId)?.replies.find((r) => r.outcome === 'ok');
    if (reply) return { payload: reply.payload as { text?: string; blocks?: unknown[] }, immediate: false };
    if (immediate?.text && !h.sent.slice(queued).some((m) => m.kind === 'command'))
      return { payload: immediate, immediate: true };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no answer on ${urlId}`);
}

/** A request as the worker receives it from the queue, from UOPERATOR in C0GENERAL unless said. */
export function queuedRequest(request: {
  id: string;
  command: string;
  args: Record<string, unknown>;
  text: string;
  user?: CommandRequest['user'];
}): CommandRequest {
  return commandRequestSchema.parse({
    user: { id: 'UOPERATOR', role: 'operator' },
    channel: { id: 'C0GENERAL' },
    requestedAt: new Date().toISOString(),
    ...request,
  });
}

/**
 * What the worker hands an executor for `request`, for calling the executor directly (say once
 * per SQS delivery): the same request id, so the same idempotency tokens, every call.
 */
export function executorContext(
  request: CommandRequest,
  config: StageConfig,
  ec2: EC2Client,
): ExecutorContext {
  return {
    request,
    config,
    ec2: ec2Gateway(config.regions, () => ec2),
    clock: { now: () => new Date() },
    idempotencyToken: (scope?: string) => `${request.id}:${scope}`,
  } as unknown as ExecutorContext;
}

/** Instances launched for one request (by its ClientToken). */
export async function instancesFor(ec2: EC2Client, requestId: string): Promise<string[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: [requestId] }] }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}

/** A recorded channel message as the client's click source. */
export function source(message: ChannelMessage): SourceMessage {
  return { ts: message.ts, text: message.text, blocks: message.blocks, ephemeral: false };
}
