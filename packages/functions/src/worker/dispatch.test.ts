import { deriveApprovalKey, signApproval } from '@ec2ops/core/approvals';
import type { CommandRequest, CommandSpec, QueueMessage } from '@ec2ops/core/commands';
import { COMMANDS, CommandRegistry } from '@ec2ops/core/commands';
import { parseStageConfig } from '@ec2ops/core/config';
import type { Message } from '@ec2ops/core/slack';
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../audit';
import { silentLog } from '../telemetry/log';
import type { Executor, SlackNotifier } from './context';
import { idempotencyToken, runMessage, type WorkerDeps } from './dispatch';

const gated: CommandSpec = {
  name: 'gated',
  summary: 'g',
  role: 'operator',
  mutates: true,
  iam: [],
  needsApproval: () => 'always',
};
const adminOnly: CommandSpec = { name: 'admin-only', summary: 'a', role: 'admin', mutates: true, iam: [] };
const key = deriveApprovalKey('secret', 'unit');

function setup(configInput: Record<string, unknown> = {}, executors: Record<string, Executor> = {}) {
  const answers: Array<{ to: string; message: Message }> = [];
  const posts: Array<{ channel: string; message: Message }> = [];
  const slack: SlackNotifier = {
    respond: async (request, message) =>
      void answers.push({ to: request.responseUrl ?? `dm:${request.user.id}`, message }),
    post: async (channel, message) => {
      posts.push({ channel, message: message as Message });
      return '1.0';
    },
    dm: async (user, message) => void posts.push({ channel: user, message: message as Message }),
    toResponseUrl: async (url, message) => void answers.push({ to: url, message }),
  };
  const logger = silentLog();
  const deps: WorkerDeps = {
    config: parseStageConfig({ stage: 'unit', ...configInput }),
    commands: new CommandRegistry([...COMMANDS, gated, adminOnly]),
    executors,
    ec2: { regions: ['us-east-1'], client: () => ({}) as never },
    slack,
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
    logger,
    auditor: createAuditor(logger),
    approvalKey: key,
    maxReceiveCount: 3,
  };
  return { deps, answers, posts };
}

function command(overrides: Partial<CommandRequest> = {}): string {
  const request: CommandRequest = {
    id: 'r-0000000000000001',
    command: 'gated',
    args: {},
    text: 'gated',
    user: { id: 'U0OPS', role: 'operator' },
    channel: { id: 'C0OPS' },
    requestedAt: '2026-11-23T12:00:00Z',
    origin: 'slash',
    responseUrl: 'https://hooks.slack.test/r1',
    ...overrides,
  };
  const message: QueueMessage = { v: 1, kind: 'command', request };
  return JSON.stringify(message);
}

const shown = (m: Message) => JSON.stringify(m);

describe('runMessage', () => {
  it('refuses a request that needs approval when the stage has no approvals channel', async () => {
    const { deps, answers, posts } = setup();
    expect(await runMessage(deps, command(), 1)).toBe('done');
    expect(shown(answers[0]!.message)).toContain('approval.no-channel');
    expect(posts).toEqual([]);
  });
  it('posts a request that needs approval with a token only ec2ops could sign', async () => {
    const { deps, posts, answers } = setup({ slack: { approvalsChannel: 'C0APPROVE' } });
    expect(await runMessage(deps, command(), 1)).toBe('done');
    expect(posts[0]!.channel).toBe('C0APPROVE');
    expect(shown(posts[0]!.message)).toMatch(/"value":"a1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
    expect(shown(answers[0]!.message)).toContain('needs approval');
  });
  it('checks the role again (the queue outlives config changes)', async () => {
    const { deps, answers } = setup();
    await runMessage(deps, command({ command: 'admin-only', text: 'admin-only' }), 1);
    expect(shown(answers[0]!.message)).toContain('role.insufficient');
  });
  it('answers a command this deployment no longer knows', async () => {
    const { deps, answers } = setup();
    await runMessage(deps, command({ command: 'gone', text: 'gone' }), 1);
    expect(shown(answers[0]!.message)).toContain('command.unknown');
  });
  it('keeps an unreadable message for the DLQ', async () => {
    const { deps } = setup();
    expect(await runMessage(deps, '{"v":2}', 1)).toBe('retry');
    expect(await runMessage(deps, 'not json', 1)).toBe('retry');
  });
  it('refuses a decision whose token was not signed with this stage key, and runs nothing', async () => {
    let ran = 0;
    const { deps, answers } = setup(
      { slack: { approvalsChannel: 'C0APPROVE' } },
      { gated: async () => ({ text: `ran ${++ran}` }) },
    );
    const token = signApproval(
      {
        v: 1,
        id: 'r-1',
        requester: 'U0OPS',
        role: 'operator',
        command: 'gated',
        args: {},
        text: 'gated',
        channel: 'C0OPS',
        reason: 'x',
        iat: 0,
        exp: 2_000_000_000,
      },
      deriveApprovalKey('secret', 'other-stage'),
    );
    const decision: QueueMessage = {
      v: 1,
      kind: 'decision',
      decision: 'approve',
      token,
      approver: { id: 'U0BOSS', role: 'admin' },
      decidedAt: '2026-11-23T12:00:00Z',
      responseUrl: 'https://hooks.slack.test/d1',
    };
    expect(await runMessage(deps, JSON.stringify(decision), 1)).toBe('done');
    expect(ran).toBe(0);
    expect(shown(answers[0]!.message)).toContain('approval.forged');
  });
  it('retries an unexpected failure and tells the requester only on the last attempt', async () => {
    const { deps, answers } = setup({}, { help: async () => Promise.reject(new Error('throttled')) });
    const body = command({ command: 'help', text: 'help' });
    expect(await runMessage(deps, body, 1)).toBe('retry');
    expect(await runMessage(deps, body, 2)).toBe('retry');
    expect(answers).toEqual([]);
    expect(await runMessage(deps, body, 3)).toBe('retry');
    expect(shown(answers[0]!.message)).toContain('r-0000000000000001');
  });
});

describe('idempotencyToken', () => {
  it('is stable per request and scope and never longer than EC2 ClientToken allows', () => {
    expect(idempotencyToken('r-1')).toBe('r-1');
    expect(idempotencyToken('r-1', 'volume')).toBe('r-1:volume');
    const long = idempotencyToken('r-0123456789abcdef', 'x'.repeat(80));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toBe(idempotencyToken('r-0123456789abcdef', 'x'.repeat(80)));
    expect(long).not.toBe(idempotencyToken('r-0123456789abcdef', 'y'.repeat(80)));
  });
});
