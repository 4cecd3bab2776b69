import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import { tagsOf } from '@ec2ops/functions/ec2/tags';
import { instanceReaper } from '@ec2ops/functions/jobs/instance-reaper';
import { main } from '@ec2ops/sandbox/cli/main';
import { type SlackEmulator, startSlackEmulator } from '@ec2ops/sandbox/slack/emulator';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliSession } from '../support/cli-session';
import { type EipWorld, runInstance, startWorld } from './eip-fixtures';

/**
 * instance-reaper through `ec2ops job run` with a controlled clock (`--now`), against the EC2
 * emulator, with owner DMs read from the Slack emulator.
 */
const NOW = Date.parse('2026-11-23T15:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

const cli = new CliSession();
let world: EipWorld;
let slack: SlackEmulator;
let ec2: EC2Client;
let dir: string;

beforeEach(async () => {
  world = await startWorld();
  slack = await startSlackEmulator({ port: 0 });
  ec2 = world.ec2('us-east-1');
  dir = await mkdtemp(join(tmpdir(), 'ec2ops-reaper-'));
  cli.begin(world.emulator.url, world.cli('instance-reaper'));
  process.env.SLACK_BOT_TOKEN = slack.botToken;
  process.env.SLACK_API_URL = `${slack.apiUrl.replace(/\/$/, '')}/`;
});

afterEach(async () => {
  cli.end();
  await world.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

/** A running instance with these tags (Name first), its id. */
async function instance(name: string, tags: Record<string, string>): Promise<string> {
  const id = await runInstance(ec2);
  await ec2.send(
    new CreateTagsCommand({
      Resources: [id],
      Tags: Object.entries({ Name: name, ...tags }).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return id;
}

const managed = (expiresAt: string, extra: Record<string, string> = {}) => ({
  'ec2ops:managed': 'true',
  'ec2ops:owner': 'UOPERATOR',
  'ec2ops:expires-at': expiresAt,
  ...extra,
});

async function look(id: string): Promise<{ state: string; tags: Record<string, string> }> {
  const res = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const i = res.Reservations![0]!.Instances![0]!;
  return { state: i.State!.Name!, tags: tagsOf(i.Tags) };
}

function dmsTo(user: string): string[] {
  const dm = slack.workspace.dms().find((d) => d.user === user);
  return dm
    ? slack.workspace.messages(dm.channel).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`)
    : [];
}

async function reap(now: number, ...flags: string[]): Promise<Record<string, unknown>> {
  cli.out = '';
  const code = await main([
    'job',
    'run',
    'instance-reaper',
    '--region',
    'us-east-1',
    '--now',
    new Date(now).toISOString(),
    '--json',
    ...flags,
  ]);
  expect(code).toBe(0);
  return JSON.parse(cli.out);
}

describe('instance-reaper', () => {
  it('warns the owner once before expiry, then stops the instance once it has expired', async () => {
    const id = await instance('soon', managed(at(30 * MIN)));
    await reap(NOW, '--apply');
    expect((await look(id)).state).toBe('running');
    expect((await look(id)).tags['ec2ops:warned-for']).toBe(at(30 * MIN));
    const warnings = dmsTo('UOPERATOR');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${id} (soon)`);
    expect(warnings[0]).toContain(`"value":"extend ${id} 2h"`);

    await reap(NOW + 10 * MIN, '--apply');
    expect(dmsTo('UOPERATOR')).toHaveLength(1);

    const report = await reap(NOW + 31 * MIN, '--apply');
    expect(report).toMatchObject({ counts: { byAction: { stop: { done: 1 } } } });
    expect(['stopping', 'stopped']).toContain((await look(id)).state);
    expect(dmsTo('UOPERATOR').at(-1)).toContain('expired');
  });

  it('warns again after an extension moves the expiry', async () => {
    const id = await instance('extended', managed(at(30 * MIN), { 'ec2ops:warned-for': at(-60 * MIN) }));
    await reap(NOW, '--apply');
    expect(dmsTo('UOPERATOR')).toHaveLength(1);
    expect((await look(id)).tags['ec2ops:warned-for']).toBe(at(30 * MIN));
  });

  it('never touches unmanaged or keep=true instances', async () => {
    const kept = await instance('kept', managed(at(-60 * MIN), { 'ec2ops:keep': 'true' }));
    const unmanaged = await instance('unmanaged', {
      'ec2ops:expires-at': at(-60 * MIN),
      'ec2ops:owner': 'UOPERATOR',
    });
    const report = await reap(NOW, '--apply');
    expect((await look(kept)).state).toBe('running');
    expect((await look(unmanaged)).state).toBe('running');
    expect(JSON.stringify(report)).toContain('tagged ec2ops:keep=true');
    expect(JSON.stringify(report)).not.toContain(unmanaged);
    expect(dmsTo('UOPERATOR')).toEqual([]);
  });

  it('terminates instead when the stage says so', async () => {
    const id = await instance('old', managed(at(-5 * MIN)));
    const stopped = await instance('stopped-old', managed(at(-5 * MIN)));
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    const file = join(dir, 'stage.json');
    const terminating = {
      stage: 'test',
      regions: ['us-east-1'],
      reaper: { action: 'terminate', warnBefore: '30m' },
    };
    await writeFile(file, JSON.stringify(terminating));
    world.enforce(parseStageConfig(terminating));
    const report = await reap(NOW, '--apply', '--config', file);
    expect(report).toMatchObject({ counts: { byAction: { terminate: { done: 2 } } } });
    expect(['shutting-down', 'terminated']).toContain((await look(id)).state);
    expect(['shutting-down', 'terminated']).toContain((await look(stopped)).state);
  });

  it('plans only in a dry run: reports what it would do and changes nothing', async () => {
    const expired = await instance('expired', managed(at(-5 * MIN)));
    const soon = await instance('soon', managed(at(5 * MIN)));
    const report = await reap(NOW, '--dry-run');
    expect(report).toMatchObject({ dryRun: true, counts: { planned: 2 } });
    expect(await look(expired)).toMatchObject({ state: 'running' });
    expect((await look(soon)).tags['ec2ops:warned-for']).toBeUndefined();
    expect(dmsTo('UOPERATOR')).toEqual([]);
  });

  it('leaves an instance extended since the plan alone (re-read before acting)', async () => {
    const id = await instance('raced', managed(at(-5 * MIN)));
    const config = parseStageConfig({ stage: 'test', regions: ['us-east-1'] });
    const ctx = {
      region: 'us-east-1',
      ec2: world.as('instance-reaper', config)('us-east-1'),
      config,
      now: new Date(NOW),
      dryRun: false,
      log: pino({ level: 'silent' }),
      notifier: undefined,
    };
    const plan = await instanceReaper.plan(ctx);
    expect(plan.items.map((i) => i.action)).toEqual(['stop']);
    await ec2.send(
      new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'ec2ops:expires-at', Value: at(60 * MIN) }] }),
    );
    const [result] = await instanceReaper.apply(ctx, plan);
    expect(result!.outcome).toMatchObject({ status: 'skipped' });
    expect((await look(id)).state).toBe('running');
  });
});
