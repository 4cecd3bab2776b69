import { describe, expect, it } from 'vitest';
import { loadBaseEnv } from './root';
import type { SecretSource } from './secrets';

const linked: SecretSource = (name) => ({ SlackBotToken: 'x', SlackSigningSecret: 'y' })[name];
const unlinked: SecretSource = () => undefined;

describe('loadBaseEnv', () => {
  it('names every missing linked secret and variable at once', () => {
    expect(() => loadBaseEnv({}, { queue: true }, unlinked)).toThrow(
      'Missing linked secrets SlackBotToken, SlackSigningSecret and environment variables EC2OPS_CONFIG, QUEUE_URL.',
    );
    expect(() => loadBaseEnv({}, { queue: false }, linked)).toThrow(
      /^Missing environment variable EC2OPS_CONFIG\.$/,
    );
  });
  it('does not take the secrets from plain environment variables', () => {
    const env = { SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', EC2OPS_CONFIG: '{"stage":"dev"}' };
    expect(() => loadBaseEnv(env, { queue: false }, unlinked)).toThrow(
      /^Missing linked secrets SlackBotToken, SlackSigningSecret\.$/,
    );
  });
  it('refuses a config that is not JSON or not valid', () => {
    const env = { EC2OPS_CONFIG: '{' };
    expect(() => loadBaseEnv(env, { queue: false }, linked)).toThrow(/not valid JSON/);
    expect(() => loadBaseEnv({ EC2OPS_CONFIG: '{"stage":"BAD"}' }, { queue: false }, linked)).toThrow(
      /stage/,
    );
  });
  it('names each variable that is set but unusable, with what it holds, beside what is missing', () => {
    const env = { QUEUE_URL: 'sqs-queue', QUEUE_MAX_RECEIVE_COUNT: 'three' };
    expect(() => loadBaseEnv(env, { queue: true }, linked)).toThrow(
      'Missing environment variable EC2OPS_CONFIG. Environment variable QUEUE_URL is not a URL (got "sqs-queue"). Environment variable QUEUE_MAX_RECEIVE_COUNT is not a number (got "three").',
    );
    expect(() =>
      loadBaseEnv(
        { EC2OPS_CONFIG: '{"stage":"dev"}', QUEUE_MAX_RECEIVE_COUNT: '0' },
        { queue: false },
        linked,
      ),
    ).toThrow('Environment variable QUEUE_MAX_RECEIVE_COUNT must be at least 1 (got "0").');
  });
  it('reads the linked secrets and a complete environment', () => {
    const base = loadBaseEnv(
      { EC2OPS_CONFIG: '{"stage":"dev"}', QUEUE_URL: 'http://q', SLACK_API_URL: 'http://s/api/' },
      { queue: true },
      linked,
    );
    expect(base).toEqual(
      expect.objectContaining({
        queueUrl: 'http://q',
        slackApiUrl: 'http://s/api/',
        botToken: 'x',
        signingSecret: 'y',
        maxReceiveCount: 3,
      }),
    );
    expect(base.config.stage).toBe('dev');
  });
});
