import { describe, expect, it } from 'vitest';
import { buildHandlers } from '../../src/runner/handlers';

describe('the sandbox builds the production handlers through the composition root', () => {
  it('passes secrets, endpoints, credentials and time to the root, changing nothing in the process', async () => {
    const envBefore = { ...process.env };
    const DateBefore = globalThis.Date;
    const handlers = await buildHandlers({
      env: {
        EC2OPS_CONFIG: JSON.stringify({ stage: 'sandbox' }),
        QUEUE_URL: 'http://127.0.0.1:1/123456789012/ec2ops-commands',
        LOG_LEVEL: 'silent',
      },
      secrets: { SlackBotToken: 'xoxb-sandbox', SlackSigningSecret: 'secret' },
      clock: { now: () => new Date('2030-01-01T00:00:00Z') },
      endpoints: {
        ec2: 'http://127.0.0.1:2',
        sqs: 'http://127.0.0.1:1',
        slackApi: 'http://127.0.0.1:1/api/',
      },
      region: 'us-east-1',
    });
    expect(Object.keys(handlers.jobs).sort()).toEqual([
      'ami-bake',
      'eip-cleanup',
      'instance-reaper',
      'port-sweep',
    ]);
    // Powertools marks its SDK user agent in AWS_SDK_UA_APP_ID when its module loads (a library's
    // own import-time setting, not ec2ops wiring); nothing else may change.
    const { AWS_SDK_UA_APP_ID: _powertools, ...after } = process.env;
    const { AWS_SDK_UA_APP_ID: _before, ...before } = envBefore;
    expect(after).toEqual(before);
    expect(globalThis.Date).toBe(DateBefore);
  });
});
