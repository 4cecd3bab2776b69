import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveJobSettings } from '@ec2ops/core/config';
import { policySizeProblems, stagePolicies } from '@ec2ops/core/iam';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { parseSchedule } from '@ec2ops/core/schedule';
import { describe, expect, it } from 'vitest';
import { HANDLERS, handlerFile, QUEUE_VISIBILITY_SECONDS, SIZES } from './functions';
import { loadStage, STAGES } from './stages';
import { stageSummary } from './summary';

const root = resolve(import.meta.dirname, '..');
const stages = Object.keys(STAGES).map((name) => [name, loadStage(name)] as const);

describe('functions', () => {
  it.each(Object.entries(HANDLERS))('the %s handler (%s) is a file that exports `handler`', (_, handler) => {
    const file = resolve(root, handlerFile(handler));
    expect(existsSync(file), file).toBe(true);
    expect(handler.endsWith('.handler')).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/export (const|async function|function) handler\b/);
  });

  it('lets the worker finish a batch six times over before SQS hands a command out again', () => {
    expect(QUEUE_VISIBILITY_SECONDS).toBeGreaterThanOrEqual(6 * SIZES.worker.timeoutSeconds);
    expect(QUEUE_VISIBILITY_SECONDS).toBeLessThanOrEqual(12 * 3600);
  });

  it('keeps the slack function small and quick: it must ack within 3 seconds', () => {
    expect(SIZES.slack.timeoutSeconds).toBeLessThanOrEqual(10);
    expect(SIZES.slack.memoryMb).toBeLessThanOrEqual(256);
  });
});

describe.each(stages)('the %s stage', (_, stage) => {
  it('gives every job a recurring schedule it finishes within', () => {
    for (const job of JOB_DEFINITIONS) {
      const settings = resolveJobSettings(stage.config, job.name);
      const parsed = parseSchedule(settings.schedule);
      expect(parsed.ok, `${job.name}: ${settings.schedule}`).toBe(true);
      if (parsed.ok && parsed.schedule.kind === 'rate') {
        expect(SIZES[job.function].timeoutSeconds * 1000, job.name).toBeLessThan(parsed.schedule.everyMs);
      }
    }
  });

  it('applies jobs only in production', () => {
    for (const job of JOB_DEFINITIONS) {
      expect(resolveJobSettings(stage.config, job.name).dryRun, job.name).toBe(!stage.config.production);
    }
  });

  it("builds each function's EC2 policy within IAM's inline policy size, beside SST's own", () => {
    expect(policySizeProblems(stagePolicies(stage.config).policies)).toEqual([]);
  });

  it('summarises channels, roles and jobs for the deploy output', () => {
    const summary = stageSummary(stage.config);
    expect(Object.keys(summary)).toEqual(['Stage', 'Channels', 'Roles', 'Jobs']);
    expect(summary.Channels).toContain(`reports ${stage.config.slack.reportChannel}`);
    for (const job of JOB_DEFINITIONS) expect(summary.Jobs).toContain(job.name);
  });
});

describe('sst.config.ts', () => {
  it('composes every infra file that creates resources, stage first', () => {
    const source = readFileSync(resolve(root, 'sst.config.ts'), 'utf8');
    const config = source.slice(source.indexOf('async run()'));
    const imported = [...config.matchAll(/import\('\.\/infra\/([a-z-]+)'\)/g)].map((m) => m[1]);
    const creating = readdirSync(resolve(root, 'infra'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((f) => /new (sst|aws)\./.test(readFileSync(resolve(root, 'infra', `${f}.ts`), 'utf8')));
    expect(imported[0]).toBe('stage');
    expect(creating.filter((f) => !imported.includes(f))).toEqual([]);
  });
});

describe('the deploy output', () => {
  it('reads as a sentence per setting', () => {
    expect(stageSummary(loadStage('dev').config)).toEqual({
      Stage: 'dev (not production: jobs plan only), regions eu-west-1',
      Channels: 'reports C0123DEVOPS, approvals none, audit none',
      Roles: 'users none; groups none; bootstrap admins U0123ADMIN',
      Jobs: [
        'ami-bake cron(0 3 * * ? *) UTC dry-run',
        'eip-cleanup rate(1 hour) UTC dry-run',
        'port-sweep rate(1 minute) UTC dry-run',
        'instance-reaper rate(15 minutes) UTC dry-run',
      ].join('; '),
    });
  });
});
