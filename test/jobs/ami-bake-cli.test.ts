import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@ec2ops/sandbox/cli/main';
import { functionCredentials } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BakeHarness, startBakeHarness } from '../../packages/functions/test/jobs/ami-bake-harness';
import { CliSession } from '../support/cli-session';

let h: BakeHarness;
let dir: string;
const cli = new CliSession();

beforeAll(async () => {
  h = await startBakeHarness();
  dir = await mkdtemp(join(tmpdir(), 'ec2ops-ami-cli-'));
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});
// `job run` runs the job's code: it signs as the job, so the emulator holds it to the job's policy.
beforeEach(() => cli.begin(h.emulator.url, functionCredentials('ami-bake').accessKeyId));
afterEach(() => cli.end());

async function config(content: object): Promise<string> {
  const file = join(dir, `stage-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe('ec2ops job run ami-bake', () => {
  it('plans with --dry-run and bakes with --apply, as of --now', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly', Name: 'cli-box' });
    const now = h.at().toISOString();
    expect(
      await main(['job', 'run', 'ami-bake', '--dry-run', '--now', now, '--region', 'us-east-1', '--json']),
    ).toBe(0);
    const planned = JSON.parse(cli.out) as {
      dryRun: boolean;
      lines: { id: string; action: string; status: string }[];
    };
    expect(planned.dryRun).toBe(true);
    expect(planned.lines.find((l) => l.id === source)).toMatchObject({ action: 'bake', status: 'planned' });
    expect(await h.imagesOf(source)).toEqual([]);

    cli.out = '';
    expect(await main(['job', 'run', 'ami-bake', '--apply', '--now', now, '--json'])).toBe(0);
    const applied = JSON.parse(cli.out) as { lines: { id: string; action: string; status: string }[] };
    expect(applied.lines.find((l) => l.id === source)).toMatchObject({ action: 'bake', status: 'done' });
    expect((await h.imagesOf(source)).length).toBe(1);
  });

  it('refuses a region that is not one of the stage regions, changing nothing', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly' });
    const file = await config({ stage: 'dev', production: true, regions: ['us-east-1'] });
    expect(
      await main(['job', 'run', 'ami-bake', '--apply', '--config', file, '--region', 'eu-west-3', '--json']),
    ).toBe(1);
    const report = JSON.parse(cli.out) as { regionFailures: { region: string; message: string }[] };
    expect(report.regionFailures[0]).toMatchObject({ region: 'eu-west-3' });
    expect(report.regionFailures[0]!.message).toMatch(
      /eu-west-3 is not one of the stage's regions \(us-east-1\)/,
    );
    expect(await h.imagesOf(source)).toEqual([]);
  });

  it('refuses a bad bake config at start-up with a clear message and changes nothing', async () => {
    const source = await h.instance({ 'ec2ops:bake': 'nightly' });
    const cases: [object, RegExp][] = [
      [{ bake: { retention: { count: -2 } } }, /bake\.retention\.count: must not be negative/],
      [{ bake: { regions: ['eu-west-9'] } }, /bake\.regions\.0: unknown region 'eu-west-9'/],
      [
        { jobs: { 'ami-bake': { schedule: 'cron(0 25 * * ? *)' } } },
        /jobs\.ami-bake\.schedule: .*hours: "25" is not between 0 and 23/,
      ],
    ];
    for (const [bad, message] of cases) {
      cli.err = '';
      const file = await config({ stage: 'dev', production: true, regions: ['us-east-1'], ...bad });
      expect(await main(['job', 'run', 'ami-bake', '--apply', '--config', file])).toBe(1);
      expect(cli.err).toMatch(message);
    }
    expect(await h.imagesOf(source)).toEqual([]);
  });
});
