import { ConfigError } from '@ec2ops/core/errors';
import { createJobRoot } from '@ec2ops/functions/jobs/root';
import { build, type FunctionName } from '@ec2ops/functions/root';
import { slackRoot } from '@ec2ops/functions/slack/root';
import { workerRoot } from '@ec2ops/functions/worker/root';
import { describe, expect, it } from 'vitest';

/**
 * Without COORDINATION_TABLE nothing guards approvals, limits or once-only effects. A production
 * stage refuses to start that way; any other stage starts and says so.
 */
const secrets = { SlackBotToken: 'xoxb-test', SlackSigningSecret: 'signing-secret' };

function rootOf(fn: FunctionName, production: boolean, table?: string) {
  return build({
    fn,
    env: {
      EC2OPS_CONFIG: JSON.stringify({ stage: production ? 'prod' : 'dev', production, roles: { users: {} } }),
      QUEUE_URL: 'http://127.0.0.1:1/000000000000/requests',
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'silent',
      ...(table ? { COORDINATION_TABLE: table } : {}),
    },
    secrets: (name) => secrets[name as keyof typeof secrets],
  });
}

const ROOTS = [
  {
    name: 'slack function',
    start: (production: boolean, table?: string) => slackRoot(rootOf('Slack', production, table)),
  },
  {
    name: 'worker',
    start: (production: boolean, table?: string) => workerRoot(rootOf('Worker', production, table)),
  },
  {
    name: 'job',
    start: (production: boolean, table?: string) =>
      createJobRoot(rootOf('InstanceReaperJob', production, table)),
  },
];

describe('a function without the coordination table', () => {
  it.each(ROOTS)(
    '$name refuses to start in a production stage with a ConfigError naming the table',
    ({ start }) => {
      let thrown: unknown;
      try {
        start(true);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).code).toBe('config.invalid');
      expect((thrown as ConfigError).message).toContain('COORDINATION_TABLE');
    },
  );

  it.each(ROOTS)('$name starts in a production stage once the table is set', ({ start }) => {
    expect(() => start(true, 'ec2ops-prod-coordination')).not.toThrow();
  });

  it.each(ROOTS)('$name starts in a non-production stage, unguarded', ({ start }) => {
    expect(() => start(false)).not.toThrow();
  });
});
