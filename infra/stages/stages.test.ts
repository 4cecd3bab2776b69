import { parseStageConfig, SANDBOX_STAGE } from '@ec2ops/core/config';
import { describe, expect, it } from 'vitest';
import { isProductionStage, loadStage, MAX_CONFIG_BYTES, STAGES } from './index';
import type { StageDefinition } from './types';

describe('stage settings', () => {
  it.each(Object.keys(STAGES))('the %s stage validates and names itself', (name) => {
    const stage = loadStage(name);
    expect(stage.config.stage).toBe(name);
    expect(JSON.parse(stage.configJson)).toEqual(STAGES[name]!.config);
  });

  it('the sandbox stage (npm start) validates', () => {
    expect(parseStageConfig(SANDBOX_STAGE).stage).toBe('sandbox');
  });

  it('only production is production: it is protected and its jobs apply; dev plans', () => {
    expect(isProductionStage('production')).toBe(true);
    expect(isProductionStage('dev')).toBe(false);
    expect(isProductionStage('someone-else')).toBe(false);
    expect(isProductionStage(undefined)).toBe(false);
    expect(loadStage('dev').config.production).toBe(false);
  });

  it('rejects a broken stage with every problem and where it is', () => {
    const broken: StageDefinition = {
      config: {
        stage: 'dev',
        regions: ['mars-north-1'],
        roles: { users: { alice: 'admin' } },
        slack: { reportChannel: '#ops' },
      },
    };
    let message = '';
    try {
      loadStage('dev', { dev: broken });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'infra/stages/dev.ts: The stage config is not valid:',
      '  - regions.0: must be an AWS region such as eu-west-1',
      '  - slack.reportChannel: must be a Slack channel id such as C012ABCDEF',
      expect.stringMatching(/^ {2}- roles\.users\.alice: /),
      'Fix the settings listed above; see docs/config.md.',
    ]);
  });

  it('rejects a setting it does not know, so a typo is not silently ignored', () => {
    const typo = { config: { stage: 'dev', region: ['eu-west-1'] } } as unknown as StageDefinition;
    expect(() => loadStage('dev', { dev: typo })).toThrowError(/Unrecognized key: "region"/);
  });

  it('rejects a stage file that names another stage', () => {
    expect(() => loadStage('staging', { staging: { config: { stage: 'dev' } } })).toThrowError(
      'infra/stages/staging.ts says stage "dev"; it must say "staging".',
    );
  });

  it('says how to add a stage that does not exist', () => {
    expect(() => loadStage('alice')).toThrowError(
      'There is no stage "alice" (known: dev, production). Create infra/stages/alice.ts (copy dev.ts) and list it in infra/stages/index.ts.',
    );
  });

  it('refuses a config too large for the Lambda environment, with what to do instead', () => {
    const users = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`U${String(i).padStart(9, '0')}`, 'viewer' as const]),
    );
    const big: StageDefinition = { config: { stage: 'dev', roles: { users } } };
    expect(() => loadStage('dev', { dev: big })).toThrowError(
      new RegExp(`Lambda environments hold ${MAX_CONFIG_BYTES}.*user groups`),
    );
  });
});

describe('policy size', () => {
  it('refuses a stage whose EC2 policy would not fit on a role, naming the statement that grows', () => {
    const ids = Array.from({ length: 45 }, (_, i) => `sg-${String(i).padStart(17, '0')}`);
    const big: StageDefinition = {
      config: {
        stage: 'dev',
        regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'eu-central-1'],
        access: { groups: { ids } },
      },
    };
    let message = '';
    try {
      loadStage('dev', { dev: big });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^infra\/stages\/dev\.ts: the worker function's EC2 policy would be \d+ characters/,
    );
    expect(message).toMatch(/The statement that grows is "[A-Za-z0-9]+" \(\d+ characters, 45 resources\)/);
    expect(message).toContain('access.groups.tags');
  });

  it('accepts the same regions with the groups chosen by tag', () => {
    const tagged: StageDefinition = {
      config: {
        stage: 'dev',
        regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'eu-central-1'],
        access: { groups: { tags: { 'ec2ops:access-group': 'true' } } },
      },
    };
    expect(loadStage('dev', { dev: tagged }).config.regions).toHaveLength(4);
  });
});
