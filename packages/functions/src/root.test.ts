import { describe, expect, it } from 'vitest';
import { loadBaseEnv } from './root';

describe('loadBaseEnv', () => {
  it('names every missing variable at once', () => {
    expect(() => loadBaseEnv({}, { queue: true })).toThrow(
      /SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, EC2OPS_CONFIG, QUEUE_URL/,
    );
  });
  it('refuses a config that is not JSON or not valid', () => {
    const env = { SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', EC2OPS_CONFIG: '{' };
    expect(() => loadBaseEnv(env, { queue: false })).toThrow(/not valid JSON/);
    expect(() => loadBaseEnv({ ...env, EC2OPS_CONFIG: '{"stage":"BAD"}' }, { queue: false })).toThrow(
      /stage/,
    );
  });
  it('reads a complete environment', () => {
    const base = loadBaseEnv(
      {
        SLACK_BOT_TOKEN: 'x',
        SLACK_SIGNING_SECRET: 'y',
        EC2OPS_CONFIG: '{"stage":"dev"}',
        QUEUE_URL: 'http://q',
        SLACK_API_URL: 'http://s/api/',
      },
      { queue: true },
    );
    expect(base).toEqual(
      expect.objectContaining({ queueUrl: 'http://q', slackApiUrl: 'http://s/api/', botToken: 'x' }),
    );
    expect(base.config.stage).toBe('dev');
  });
});
