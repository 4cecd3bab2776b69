import { describe, expect, it } from 'vitest';
import { handlerEnvironment } from './handler-env';

const input = {
  botId: 'BBOT',
  botUserId: 'UBOT',
  queueUrl: 'http://127.0.0.1:1/123456789012/ec2ops-commands',
  config: { stage: 'sandbox' },
  logLevel: 'silent',
  maxReceiveCount: 3,
};

describe('the handlers wiring', () => {
  it('gives the handlers the settings infra sets, with the sandbox queue', () => {
    const env = handlerEnvironment(input);
    expect(env).toEqual({
      SLACK_BOT_ID: 'BBOT',
      SLACK_BOT_USER_ID: 'UBOT',
      QUEUE_URL: input.queueUrl,
      QUEUE_MAX_RECEIVE_COUNT: '3',
      LOG_LEVEL: 'silent',
      EC2OPS_CONFIG: JSON.stringify({ stage: 'sandbox' }),
      // Deployed functions write EMF metrics; the sandbox's terminal does not get them unless asked.
      EC2OPS_METRICS: 'off',
    });
    expect(handlerEnvironment({ ...input, metrics: 'emf' }).EC2OPS_METRICS).toBe('emf');
  });
});
