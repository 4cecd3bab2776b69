import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { bakeRegions } from './bake';
import { parseStageConfig } from './schema';

function refusal(input: object): string {
  try {
    parseStageConfig({ stage: 'dev', ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('bake config', () => {
  it('has safe defaults: keep 7, no reboot, no auto-approve, $0.05 per GB-month, every stage region', () => {
    const config = parseStageConfig({ stage: 'dev', regions: ['eu-west-1', 'us-east-1'] });
    expect(config.bake).toMatchObject({
      retention: { count: 7 },
      reboot: false,
      autoApprove: false,
      pricePerGbMonth: 0.05,
      copyTags: [],
      concurrency: 4,
    });
    expect(bakeRegions(config)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('refuses a negative retention count', () => {
    expect(refusal({ bake: { retention: { count: -1 } } })).toMatch(
      /bake\.retention\.count: must not be negative/,
    );
  });

  it('refuses a malformed retention age and a retention with no rule', () => {
    expect(refusal({ bake: { retention: { age: '-3d' } } })).toMatch(
      /bake\.retention\.age: must be a duration/,
    );
    expect(refusal({ bake: { retention: {} } })).toMatch(/bake\.retention: set count, age or both/);
  });

  it('refuses a bake region the stage does not have', () => {
    expect(refusal({ regions: ['us-east-1'], bake: { regions: ['eu-west-9'] } })).toMatch(
      /bake\.regions\.0: unknown region 'eu-west-9'.*\(us-east-1\)/,
    );
  });

  it('refuses a malformed bake schedule and time zone', () => {
    expect(refusal({ jobs: { 'ami-bake': { schedule: 'cron(0 3 * *)' } } })).toMatch(
      /jobs\.ami-bake\.schedule: .*6 fields/,
    );
    expect(refusal({ jobs: { 'ami-bake': { timeZone: 'Mars/Olympus' } } })).toMatch(
      /jobs\.ami-bake\.timeZone/,
    );
  });

  it('refuses a negative price, zero concurrency and unknown settings', () => {
    const message = refusal({ bake: { pricePerGbMonth: -1, concurrency: 0, retainForever: true } });
    expect(message).toMatch(/bake/);
    expect(refusal({ bake: { concurrency: 0 } })).toMatch(/bake\.concurrency: must be at least 1/);
    expect(refusal({ bake: { pricePerGbMonth: -0.01 } })).toMatch(
      /bake\.pricePerGbMonth: must not be negative/,
    );
  });
});
