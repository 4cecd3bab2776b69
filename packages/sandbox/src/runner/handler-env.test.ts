import { afterEach, describe, expect, it } from 'vitest';
import { applyEnvironment, handlerEnvironment } from './handler-env';

const input = {
  signingSecret: 'secret',
  botToken: 'xoxb-sandbox',
  botId: 'BBOT',
  botUserId: 'UBOT',
  slackApiUrl: 'http://127.0.0.1:1/api/',
  queueUrl: 'http://127.0.0.1:1/123456789012/ec2ops-commands',
  ec2Url: 'http://127.0.0.1:2',
  sqsUrl: 'http://127.0.0.1:1',
  config: { stage: 'sandbox' },
  region: 'us-east-1',
  logLevel: 'warn',
  maxReceiveCount: 3,
};

describe('the handlers environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('is what infra sets, with the sandbox endpoints', () => {
    const env = handlerEnvironment(input);
    expect(env).toMatchObject({
      SLACK_BOT_ID: 'BBOT',
      SLACK_BOT_USER_ID: 'UBOT',
      SLACK_API_URL: 'http://127.0.0.1:1/api/',
      QUEUE_URL: input.queueUrl,
      QUEUE_MAX_RECEIVE_COUNT: '3',
      AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:2',
      AWS_ENDPOINT_URL_RBIN: 'http://127.0.0.1:2',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:1',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'warn',
    });
    expect(JSON.parse(env['EC2OPS_CONFIG']!)).toEqual({ stage: 'sandbox' });
  });

  it('links the Slack secrets as SST does, never as plain variables', () => {
    const env = handlerEnvironment(input);
    expect(JSON.parse(env['SST_RESOURCE_SlackBotToken']!)).toEqual({
      value: 'xoxb-sandbox',
      type: 'sst.sst.Secret',
    });
    expect(JSON.parse(env['SST_RESOURCE_SlackSigningSecret']!)).toEqual({
      value: 'secret',
      type: 'sst.sst.Secret',
    });
    expect(JSON.parse(env['SST_RESOURCE_App']!)).toEqual({ name: 'ec2ops', stage: 'sandbox' });
    expect(env['SLACK_BOT_TOKEN']).toBeUndefined();
    expect(env['SLACK_SIGNING_SECRET']).toBeUndefined();
  });

  it("keeps a developer's own AWS credentials and profile away from the handlers, and gives them back after", () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAREALKEY';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'real-secret';
    process.env['AWS_SESSION_TOKEN'] = 'real-session';
    process.env['AWS_PROFILE'] = 'prod-admin';
    process.env['AWS_ENDPOINT_URL'] = 'https://ec2.amazonaws.com';
    const restore = applyEnvironment(handlerEnvironment(input));
    expect(process.env['AWS_ACCESS_KEY_ID']).not.toBe('AKIAREALKEY');
    expect(process.env['AWS_SESSION_TOKEN']).toBeUndefined();
    expect(process.env['AWS_PROFILE']).toBeUndefined();
    expect(process.env['AWS_ENDPOINT_URL']).toBeUndefined();
    expect(process.env['AWS_ENDPOINT_URL_EC2']).toBe('http://127.0.0.1:2');
    restore();
    expect(process.env['AWS_ACCESS_KEY_ID']).toBe('AKIAREALKEY');
    expect(process.env['AWS_SESSION_TOKEN']).toBe('real-session');
    expect(process.env['AWS_PROFILE']).toBe('prod-admin');
    expect(process.env['AWS_ENDPOINT_URL_EC2']).toBe(saved['AWS_ENDPOINT_URL_EC2']);
  });
});
