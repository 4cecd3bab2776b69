import { ConfigError } from '@ec2ops/core';
import { describe, expect, it } from 'vitest';
import { build, type Env } from '../root';
import type { SecretSource } from '../secrets';
import { createJobRoot as assemble } from './root';

const createJobRoot = (env: Env, secrets: SecretSource = () => undefined) =>
  assemble(build({ fn: 'EipCleanupJob', env, secrets }));

describe('job composition root', () => {
  it('refuses to start without a stage config, or with one that is not JSON or not valid', () => {
    expect(() => createJobRoot({ LOG_LEVEL: 'silent' })).toThrow(ConfigError);
    expect(() => createJobRoot({ LOG_LEVEL: 'silent', EC2OPS_CONFIG: '{nope' })).toThrow(
      'EC2OPS_CONFIG is not valid JSON',
    );
    expect(() =>
      createJobRoot({
        LOG_LEVEL: 'silent',
        EC2OPS_CONFIG: JSON.stringify({ stage: 'dev', eip: { scope: 'some' } }),
      }),
    ).toThrow('eip.scope');
  });

  it('builds one EC2 client per region, once, and a notifier only with a linked bot token', () => {
    const env = { LOG_LEVEL: 'silent', EC2OPS_CONFIG: JSON.stringify({ stage: 'dev' }) };
    const root = createJobRoot({ ...env, SLACK_BOT_TOKEN: 'xoxb-plain-env' }, () => undefined);
    expect(root.config.stage).toBe('dev');
    expect(root.notifier).toBeUndefined();
    expect(root.ec2('eu-west-1')).toBe(root.ec2('eu-west-1'));
    expect(root.ec2('eu-west-1')).not.toBe(root.ec2('us-east-1'));
    const linked = createJobRoot(env, (name) => (name === 'SlackBotToken' ? 'xoxb-test' : undefined));
    expect(linked.notifier).toBeDefined();
  });
});
