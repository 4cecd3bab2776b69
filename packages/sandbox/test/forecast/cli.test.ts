import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Forecast } from '@ec2ops/core/forecast';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { statsOf } from '../../src/ec2/stats';
import { captureOutput } from '../cli/capture-output';

let account: Ec2Emulator;
let dir: string;
let allocationId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-twin-cli-'));
  account = await startEc2Emulator({ log: () => {} });
  const ec2 = new EC2Client({
    region: 'us-east-1',
    endpoint: account.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
  const idleSince = new Date(account.store.clock.now() - 30 * 86_400_000).toISOString();
  const { AllocationId } = await ec2.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: [
        {
          ResourceType: 'elastic-ip',
          Tags: [
            { Key: 'Name', Value: 'forgotten' },
            { Key: 'ec2ops:managed', Value: 'true' },
            { Key: 'ec2ops:idle-since', Value: idleSince },
          ],
        },
      ],
    }),
  );
  allocationId = AllocationId!;
  ec2.destroy();
  statsOf(account.store).reset();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await account?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ec2ops twin import and ec2ops forecast', () => {
  it('imports the account the AWS environment names, and prints what it read and the calls it took', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', account.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const io = captureOutput();
    expect(await main(['twin', 'import', '--state', join(dir, 'twin')])).toBe(0);
    expect(io.out()).toMatch(/us-east-1: .*1 addresses/);
    expect(io.out()).toMatch(/calls: \d+ \(.*DescribeAddresses 1/);
    expect(existsSync(join(dir, 'twin', 'ec2.json'))).toBe(true);
    expect(
      Object.keys(statsOf(account.store).snapshot().actions).every((a) => a.startsWith('Describe')),
    ).toBe(true);
  });

  it('forecasts the release of the forgotten address on the first day, as JSON, and leaves the account alone', async () => {
    const io = captureOutput();
    expect(await main(['forecast', '--state', join(dir, 'twin'), '--days', '2', '--json'])).toBe(0);
    const forecast = JSON.parse(io.out()) as Forecast;
    expect(forecast.perDay).toHaveLength(2);
    expect(forecast.items).toEqual([
      expect.objectContaining({
        day: 1,
        job: 'eip-cleanup',
        action: 'release',
        id: allocationId,
        name: 'forgotten',
      }),
    ]);
    expect(
      Object.keys(statsOf(account.store).snapshot().actions).every((a) => a.startsWith('Describe')),
    ).toBe(true);
  });

  it.each([
    [['--days', '0'], 'cli.days'],
    [['--days', '2.5'], 'cli.days'],
    [['--json', '--markdown'], 'cli.flags'],
  ])('refuses %j with %s before loading anything', async (flags, code) => {
    const io = captureOutput();
    expect(await main(['forecast', '--state', join(dir, 'twin'), ...flags])).toBe(1);
    expect(io.err()).toContain(`error ${code}:`);
  });

  it('says how to make a twin when the directory holds none', async () => {
    const io = captureOutput();
    expect(await main(['forecast', '--state', join(dir, 'nothing-here')])).toBe(1);
    expect(io.err()).toContain('error twin.state:');
    expect(io.err()).toContain('ec2ops twin import');
  });
});
