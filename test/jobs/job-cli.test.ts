import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStageConfig } from '@ec2ops/core';
import { main } from '@ec2ops/sandbox/cli/main';
import { startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliSession } from '../support/cli-session';
import { ago, allocateAddress, DAY, type EipWorld, remaining, startWorld } from './eip-fixtures';

const M = { 'ec2ops:managed': 'true' };

let world: EipWorld;
let dir: string;
const cli = new CliSession();

beforeEach(async () => {
  world = await startWorld();
  dir = await mkdtemp(join(tmpdir(), 'ec2ops-job-cli-'));
  cli.begin(world.emulator.url, world.cli('eip-cleanup'));
});

afterEach(async () => {
  cli.end();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

async function seed() {
  const ec2 = world.ec2('us-east-1');
  await allocateAddress(ec2, 'old', { ...M, 'ec2ops:idle-since': ago(8 * DAY) });
  await allocateAddress(ec2, 'new', M);
  return remaining(ec2);
}

/** A `--config` file; the emulator then enforces the policies of that config, as deployed. */
async function configFile(content: string): Promise<string> {
  const file = join(dir, 'stage.json');
  await writeFile(file, content);
  const parsed = (() => {
    try {
      return parseStageConfig(JSON.parse(content));
    } catch {
      return undefined; // a file the CLI must refuse: nothing runs
    }
  })();
  if (parsed) world.enforce(parsed);
  return file;
}

describe('ec2ops job run', () => {
  it('plans only by default outside production and prints what it would do', async () => {
    const before = await seed();
    const code = await main(['job', 'run', 'eip-cleanup', '--now', '2026-11-23T15:00:00Z']);
    expect(code).toBe(0);
    expect(cli.out).toContain('dry run');
    expect(cli.out).toMatch(/would release 1/);
    expect(await remaining(world.ec2('us-east-1'))).toEqual(before);
  });

  it('--apply releases and --json prints the report as JSON', async () => {
    await seed();
    const code = await main([
      'job',
      'run',
      'eip-cleanup',
      '--apply',
      '--now',
      '2026-11-23T15:00:00Z',
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(cli.out);
    expect(report).toMatchObject({
      job: 'eip-cleanup',
      dryRun: false,
      now: '2026-11-23T15:00:00.000Z',
      regions: ['us-east-1'],
    });
    expect(report.counts.byAction.release.done).toBe(1);
    expect(Object.keys(await remaining(world.ec2('us-east-1')))).toEqual(['new']);
  });

  it('--apply overrides a config file that says dry-run; --dry-run overrides one that applies', async () => {
    await seed();
    const planOnly = await configFile(
      JSON.stringify({ stage: 'prod', production: true, jobs: { 'eip-cleanup': { dryRun: true } } }),
    );
    await main(['job', 'run', 'eip-cleanup', '--config', planOnly, '--region', 'us-east-1', '--dry-run']);
    expect(Object.keys(await remaining(world.ec2('us-east-1'))).sort()).toEqual(['new', 'old']);
    await main([
      'job',
      'run',
      'eip-cleanup',
      '--config',
      planOnly,
      '--region',
      'us-east-1',
      '--apply',
      '--now',
      '2026-11-23T15:00:00Z',
    ]);
    expect(Object.keys(await remaining(world.ec2('us-east-1')))).toEqual(['new']);
  });

  it.each([
    [['job', 'run', 'eip-cleanup', '--now', 'tomorrow'], 'is not an ISO-8601 instant'],
    [['job', 'run', 'eip-cleanup', '--now', '2026-11-23 15:00'], 'is not an ISO-8601 instant'],
    [['job', 'run', 'eip-cleanup', '--dry-run', '--apply'], '--dry-run and --apply contradict each other'],
    [
      ['job', 'run', 'eip-cleanp', '--apply'],
      'unknown job "eip-cleanp"; the jobs are: ami-bake, eip-cleanup, port-sweep, instance-reaper',
    ],
    [['job', 'run', 'eip-cleanup', '--apply', '--region', 'moon-1'], 'is not an AWS region'],
  ])('refuses %j with a clear message and releases nothing', async (argv, message) => {
    const before = await seed();
    expect(await main(argv)).not.toBe(0);
    expect(cli.err).toContain(message);
    expect(await remaining(world.ec2('us-east-1'))).toEqual(before);
  });

  it.each([
    ['not JSON', '{ stage: dev', 'is not JSON'],
    ['invalid', JSON.stringify({ stage: 'dev', eip: { grace: 'a week' } }), 'eip.grace'],
    [
      'a bad schedule',
      JSON.stringify({ stage: 'dev', jobs: { 'eip-cleanup': { schedule: 'hourly' } } }),
      'jobs.eip-cleanup.schedule',
    ],
  ])('refuses a config file that is %s and releases nothing', async (_, content, message) => {
    const before = await seed();
    const file = await configFile(content);
    expect(await main(['job', 'run', 'eip-cleanup', '--apply', '--config', file])).toBe(1);
    expect(cli.err).toContain(message);
    expect(await remaining(world.ec2('us-east-1'))).toEqual(before);
  });

  it('refuses a missing config file', async () => {
    expect(await main(['job', 'run', 'eip-cleanup', '--config', join(dir, 'nope.json')])).toBe(1);
    expect(cli.err).toContain('cannot read the config file');
  });

  it('says clearly when a job is not implemented yet', async () => {
    const { JOB_IMPLEMENTATIONS } = await import('@ec2ops/functions/jobs/registry');
    const saved = JOB_IMPLEMENTATIONS['port-sweep'];
    delete JOB_IMPLEMENTATIONS['port-sweep'];
    try {
      expect(await main(['job', 'run', 'port-sweep'])).toBe(1);
      expect(cli.err).toContain('The port-sweep job is not implemented yet.');
    } finally {
      if (saved) JOB_IMPLEMENTATIONS['port-sweep'] = saved;
    }
  });

  it('falls back to the sandbox endpoints file (EC2 with dummy credentials, its Slack for the report) when no AWS environment is set', async () => {
    const before = await seed();
    const slack = await startSlackEmulator({ port: 0 });
    try {
      for (const name of ['AWS_ENDPOINT_URL_EC2', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
        delete process.env[name];
      await writeFile(
        join(dir, 'endpoints.json'),
        JSON.stringify({ ec2: world.emulator.url, slackApi: slack.apiUrl }),
      );
      const code = await main([
        'job',
        'run',
        'eip-cleanup',
        '--state',
        dir,
        '--region',
        'us-east-1',
        '--json',
      ]);
      expect(code).toBe(0);
      expect(cli.err).toContain(
        `using the sandbox's EC2 at ${world.emulator.url} as the eip-cleanup function, and its Slack`,
      );
      expect(JSON.parse(cli.out).counts.planned).toBe(2);
      expect(await remaining(world.ec2('us-east-1'))).toEqual(before);
      expect(JSON.stringify(slack.workspace.messages('C0EC2OPS'))).toContain('would release 1');
    } finally {
      await slack.close();
    }
  });
});
