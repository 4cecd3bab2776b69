import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMANDS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { captureOutput } from './capture-output';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe('ec2ops --help and --version', () => {
  it('prints the package version', async () => {
    const io = captureOutput();
    expect(await main(['--version'])).toBe(0);
    expect(io.out().trim()).toBe(packageJson.version);
  });

  it('lists every subcommand without loading any of them', async () => {
    const loads = Object.values(COMMANDS).map((command) => vi.spyOn(command, 'load'));
    const io = captureOutput();
    expect(await main(['--help'])).toBe(0);
    for (const [name, { summary }] of Object.entries(COMMANDS)) {
      expect(io.out()).toContain(name);
      expect(io.out().replace(/\s+/g, ' ')).toContain(summary);
    }
    for (const load of loads) expect(load).not.toHaveBeenCalled();
  });

  it('loads only the subcommand it runs', async () => {
    const loads = Object.fromEntries(
      Object.entries(COMMANDS).map(([name, command]) => [name, vi.spyOn(command, 'load')]),
    );
    captureOutput();
    expect(await main(['manifest', '--url', 'https://example.com/slack/events'])).toBe(0);
    expect(
      Object.entries(loads)
        .filter(([, load]) => load.mock.calls.length > 0)
        .map(([name]) => name),
    ).toEqual(['manifest']);
  });

  it('refuses an unknown subcommand with exit code 2', async () => {
    const io = captureOutput();
    expect(await main(['bogus'])).toBe(2);
    expect(io.err()).toContain("unknown command 'bogus'");
  });
});

let emulator: Ec2Emulator;
let ec2: EC2Client;
beforeAll(async () => {
  emulator = await startEc2Emulator({ port: 0, log: () => {} });
  ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  ec2.destroy();
  await emulator.close();
});

function useEmulatorAsAws() {
  vi.stubEnv('AWS_ENDPOINT_URL_EC2', emulator.url);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
}

async function fleetCounts() {
  const [reservations, addresses, images, groups] = await Promise.all([
    ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }] })),
    ec2.send(new DescribeAddressesCommand({})),
    ec2.send(new DescribeImagesCommand({ Owners: ['self'] })),
    ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:ec2ops:managed', Values: ['true'] }] }),
    ),
  ]);
  const instances = (reservations.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return {
    instances: instances.length,
    expired: instances.filter((i) =>
      i.Tags?.some((t) => t.Key === 'ec2ops:expires-at' && Date.parse(t.Value ?? '') < Date.now()),
    ).length,
    addresses: addresses.Addresses?.length ?? 0,
    associated: (addresses.Addresses ?? []).filter((a) => a.AssociationId).length,
    images: images.Images?.length ?? 0,
    groups: groups.SecurityGroups?.length ?? 0,
  };
}

describe('ec2ops sandbox seed', () => {
  it('makes a fleet of the scale asked for through the EC2 API, with work for the jobs', async () => {
    useEmulatorAsAws();
    const io = captureOutput();
    expect(await main(['sandbox', 'seed', '--scale', '0.04', '--json'])).toBe(0);
    const summary = JSON.parse(io.out()) as Record<string, number>;
    expect(summary).toMatchObject({ instances: 20, addresses: 12, images: 8, groups: 4 });
    const counts = await fleetCounts();
    expect(counts).toMatchObject({ instances: 20, addresses: 12, images: 8, groups: 4, associated: 4 });
    expect(counts.expired).toBeGreaterThan(0);
  });

  it('refuses a scale that is not a positive number, and creates nothing', async () => {
    useEmulatorAsAws();
    const before = await fleetCounts();
    const io = captureOutput();
    expect(await main(['sandbox', 'seed', '--scale', '-1'])).toBe(1);
    expect(io.err()).toContain('error seed.scale');
    expect(await fleetCounts()).toEqual(before);
  });
});

describe('ec2ops job run against a sandbox', () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ec2ops-cli-job-'));
    await writeFile(join(stateDir, 'endpoints.json'), JSON.stringify({ ec2: emulator.url }));
    await writeFile(
      join(stateDir, 'stage.json'),
      JSON.stringify({ stage: 'from-stage-json', regions: ['us-east-1'], production: false }),
    );
  });
  afterAll(() => rm(stateDir, { recursive: true, force: true }));

  it("runs with the sandbox's stage.json and at the sandbox's clock", async () => {
    const tenDays = 10 * 24 * 3_600_000;
    const advanced = await fetch(`${emulator.url}/_emulator/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: tenDays }),
    });
    expect(advanced.ok).toBe(true);
    const io = captureOutput();
    expect(await main(['job', 'run', 'eip-cleanup', '--dry-run', '--json', '--state', stateDir])).toBe(0);
    const report = JSON.parse(io.out()) as { stage: string; now: string; regions: string[] };
    expect(report.stage).toBe('from-stage-json');
    expect(report.regions).toEqual(['us-east-1']);
    expect(Date.parse(report.now)).toBeGreaterThan(Date.now() + tenDays - 3_600_000);
  });
});
