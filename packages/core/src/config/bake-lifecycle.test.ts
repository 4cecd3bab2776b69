import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { deprecateAfterMs } from './bake';
import { parseStageConfig } from './schema';

function refusal(bake: object): string {
  try {
    parseStageConfig({ stage: 'dev', bake });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('bake lifecycle config', () => {
  it('copies nowhere and deprecates at the retention age by default', () => {
    const config = parseStageConfig({ stage: 'dev', bake: { retention: { age: '14d' } } });
    expect(config.bake.copyTo).toEqual([]);
    expect(deprecateAfterMs(config.bake)).toBe(14 * 86_400_000);
    expect(deprecateAfterMs(parseStageConfig({ stage: 'dev' }).bake)).toBeUndefined();
  });

  it('takes DR regions with an optional KMS key, and an explicit deprecation age', () => {
    const config = parseStageConfig({
      stage: 'dev',
      bake: {
        copyTo: [{ region: 'eu-west-1', kmsKeyId: 'alias/dr' }, { region: 'us-west-2' }],
        deprecateAfter: '30d',
      },
    });
    expect(config.bake.copyTo).toEqual([
      { region: 'eu-west-1', kmsKeyId: 'alias/dr' },
      { region: 'us-west-2' },
    ]);
    expect(deprecateAfterMs(config.bake)).toBe(30 * 86_400_000);
  });

  it('refuses a malformed region or key, a region named twice, and a bad duration', () => {
    expect(refusal({ copyTo: [{ region: 'Europe' }] })).toMatch(/region name/);
    expect(refusal({ copyTo: [{ region: 'eu-west-1', kmsKeyId: 'my key' }] })).toMatch(/KMS key/);
    expect(refusal({ copyTo: [{ region: 'eu-west-1' }, { region: 'eu-west-1' }] })).toMatch(/once/);
    expect(refusal({ deprecateAfter: 'soon' })).toMatch(/deprecateAfter/);
  });
});
