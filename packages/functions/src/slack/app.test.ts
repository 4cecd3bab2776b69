import { createHmac } from 'node:crypto';
import { deriveApprovalKey } from '@ec2ops/core/approvals';
import { commands } from '@ec2ops/core/commands';
import { parseStageConfig } from '@ec2ops/core/config';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createAuditor } from '../audit';
import { memoryQueue } from '../queue';
import { createRoleResolver, type RoleResolver } from '../roles';
import { silentLog } from '../telemetry/log';
import { createSlackHandler } from './app';

const SECRET = 'unit-secret';

function slashEvent(text: string, user: string): APIGatewayProxyEventV2 {
  const body = new URLSearchParams({
    command: '/ec2',
    text,
    user_id: user,
    user_name: 'x',
    channel_id: 'C0OPS',
    team_id: 'T0',
    response_url: 'https://hooks.slack.test/1',
    trigger_id: '1.1',
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
    },
    requestContext: { http: { method: 'POST' } } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
  };
}

/** A handler with the unit defaults (signing, bot ids, audit, clock) and the deps a test varies. */
function unitHandler(deps: {
  config: ReturnType<typeof parseStageConfig>;
  queue: ReturnType<typeof memoryQueue>;
  roles: RoleResolver;
  logger: ReturnType<typeof silentLog>;
  newRequestId: () => string;
}) {
  return createSlackHandler({
    signingSecret: SECRET,
    botToken: 'xoxb-unit',
    botId: 'B0',
    botUserId: 'U0BOT',
    deps: {
      commands,
      auditor: createAuditor(deps.logger),
      clock: { now: () => new Date() },
      approvalKey: deriveApprovalKey(SECRET, 'unit'),
      ...deps,
    },
  });
}

describe('createSlackHandler', () => {
  it('makes no Slack call at start-up or for a slash command (its Web API points nowhere)', async () => {
    const queue = memoryQueue();
    const logger = silentLog();
    const handler = createSlackHandler({
      signingSecret: SECRET,
      botToken: 'xoxb-unit',
      slackApiUrl: 'http://127.0.0.1:1/api/',
      botId: 'B0',
      botUserId: 'U0BOT',
      deps: {
        config: parseStageConfig({ stage: 'unit', roles: { users: { U0OPS: 'operator' } } }),
        commands,
        queue,
        auditor: createAuditor(logger),
        logger,
        clock: { now: () => new Date() },
        newRequestId: () => 'r-unit000000000001',
        approvalKey: deriveApprovalKey(SECRET, 'unit'),
      },
    });
    const result = await handler(slashEvent('help', 'U0OPS'));
    expect(result.statusCode).toBe(200);
    expect(queue.messages).toHaveLength(1);
    expect(queue.messages[0]).toMatchObject({
      kind: 'command',
      request: { id: 'r-unit000000000001', command: 'help', user: { id: 'U0OPS', role: 'operator' } },
    });
  });

  it('answers with a generic message and the request id when something inside breaks, instead of a 500', async () => {
    const queue = memoryQueue();
    const logger = silentLog();
    const handler = unitHandler({
      config: parseStageConfig({ stage: 'unit' }),
      queue,
      roles: {
        resolve: async () => {
          throw new Error('bug');
        },
      },
      logger,
      newRequestId: () => 'r-unit000000000002',
    });
    const result = await handler(slashEvent('help', 'U0OPS'));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('r-unit000000000002');
    expect(result.body).not.toContain('bug');
    expect(queue.messages).toEqual([]);
  });

  it('lets through someone whose only role is in one account, with their groups, and still refuses someone with none (issue 15)', async () => {
    const queue = memoryQueue();
    const logger = silentLog();
    const config = parseStageConfig({
      stage: 'unit',
      accounts: [
        { id: '111111111111', alias: 'dev' },
        { id: '222222222222', alias: 'prod' },
      ],
      roles: {
        users: { U0OPS: 'operator' },
        accounts: { dev: { users: { U0DEV: 'viewer' }, groups: { S0DEVS: 'operator' } } },
      },
    });
    // A fake of the Slack client only: who is in which user group.
    const usergroups = { users: { list: async () => ({ ok: true, users: ['U0GRP'] }) } };
    const ids = ['r-unit000000000003', 'r-unit000000000004', 'r-unit000000000005'];
    const handler = unitHandler({
      config,
      queue,
      roles: createRoleResolver({ config, client: { usergroups } as never, logger }),
      logger,
      newRequestId: () => ids.shift()!,
    });
    await handler(slashEvent('eip list', 'U0DEV'));
    await handler(slashEvent('eip release eipalloc-0123456789abcdef0 account=dev', 'U0GRP'));
    const refused = await handler(slashEvent('eip list', 'U0NOBODY'));
    expect(queue.messages.map((m) => (m as { request: unknown }).request)).toMatchObject([
      { command: 'eip list', user: { id: 'U0DEV', role: 'viewer' } },
      { command: 'eip release', account: 'dev', user: { id: 'U0GRP', role: 'operator', groups: ['S0DEVS'] } },
    ]);
    expect(refused.body).toContain('role.none');
  });
});
