import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { effectiveDryRun, resolveJobSettings } from './jobs';
import { parseStageConfig } from './schema';

describe('jobs config', () => {
  it('plans only outside production, applies in production, unless the stage says otherwise', () => {
    const dev = parseStageConfig({ stage: 'dev' });
    expect(resolveJobSettings(dev, 'eip-cleanup')).toEqual({
      enabled: true,
      schedule: 'rate(1 hour)',
      timeZone: 'UTC',
      dryRun: true,
    });
    const prod = parseStageConfig({ stage: 'prod', production: true });
    expect(resolveJobSettings(prod, 'eip-cleanup').dryRun).toBe(false);
    const devApplies = parseStageConfig({ stage: 'dev', jobs: { 'eip-cleanup': { dryRun: false } } });
    expect(resolveJobSettings(devApplies, 'eip-cleanup').dryRun).toBe(false);
  });

  it('lets --apply and --dry-run override the stage', () => {
    const settings = resolveJobSettings(parseStageConfig({ stage: 'dev' }), 'port-sweep');
    expect(effectiveDryRun(settings, 'apply')).toBe(false);
    expect(effectiveDryRun({ ...settings, dryRun: false }, 'dry-run')).toBe(true);
    expect(effectiveDryRun(settings, undefined)).toBe(true);
  });

  it('takes a schedule and time zone override', () => {
    const config = parseStageConfig({
      stage: 'dev',
      jobs: { 'ami-bake': { schedule: 'cron(30 2 ? * MON-FRI *)', timeZone: 'Europe/Paris' } },
    });
    expect(resolveJobSettings(config, 'ami-bake')).toMatchObject({
      schedule: 'cron(30 2 ? * MON-FRI *)',
      timeZone: 'Europe/Paris',
    });
  });

  it.each([
    ['rate(5 minute)', 'rate(5 minutes)'],
    ['rate(1 minutes)', 'rate(1 minute)'],
    ['rate(2 Hour)', 'rate(2 hours)'],
    ['rate(1 day)', 'rate(1 day)'],
  ])('deploys %s as EventBridge Scheduler accepts it: %s', (written, deployed) => {
    const config = parseStageConfig({ stage: 'dev', jobs: { 'port-sweep': { schedule: written } } });
    expect(resolveJobSettings(config, 'port-sweep').schedule).toBe(deployed);
  });

  it.each([
    ['a rate of zero', { schedule: 'rate(0 minutes)' }, 'at least 1'],
    ['a malformed cron', { schedule: 'cron(0 3 * * *)' }, 'jobs.ami-bake.schedule'],
    ['a cron with both day fields', { schedule: 'cron(0 3 * * * *)' }, 'jobs.ami-bake.schedule'],
    ['a one-time at()', { schedule: 'at(2026-12-01T00:00:00)' }, 'recurring'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'jobs.ami-bake.timeZone'],
    ['an unknown setting', { when: 'nightly' }, 'jobs.ami-bake'],
  ])('refuses %s with a readable message', (_, settings, expected) => {
    expect(() => parseStageConfig({ stage: 'dev', jobs: { 'ami-bake': settings } })).toThrow(ConfigError);
    expect(() => parseStageConfig({ stage: 'dev', jobs: { 'ami-bake': settings } })).toThrow(expected);
  });

  it('refuses an eip section whose warning comes after the release', () => {
    expect(() => parseStageConfig({ stage: 'dev', eip: { grace: '1d', warnBefore: '2d' } })).toThrow(
      'eip.warnBefore',
    );
    expect(parseStageConfig({ stage: 'dev' }).eip).toEqual({
      scope: 'managed',
      grace: '7d',
      warnBefore: '1d',
      pricePerHour: 0.005,
    });
  });
});
