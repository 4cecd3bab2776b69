import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../iam/evaluate';
import { captureOutput } from './capture-output';
import { loadCallerPolicies } from './iam-files';
import { main } from './main';

const capture = captureOutput;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ec2ops iam', () => {
  it('prints every function’s policy by its deployed name, in a file `emulator --iam` accepts', async () => {
    const { out } = capture();
    expect(await main(['iam', '--stage', 'production', '--json'])).toBe(0);
    const policies = JSON.parse(out.join(''));
    expect(Object.keys(policies).sort()).toEqual(
      ['AmiBakeJob', 'EipCleanupJob', 'InstanceReaperJob', 'PortSweepJob', 'Slack', 'Worker'].sort(),
    );
    const dir = await mkdtemp(join(tmpdir(), 'ec2ops-iam-'));
    try {
      const file = join(dir, 'policies.json');
      await writeFile(file, JSON.stringify({ ...policies, Seeder: '*' }));
      const loaded = await loadCallerPolicies(file);
      expect(loaded['Seeder']).toBe('*');
      const worker = loaded['Worker'];
      if (worker === undefined || worker === '*') throw new Error('no worker policy');
      const request = { action: 'ec2:DescribeInstances', resource: '*' };
      expect(evaluate(worker, { ...request, context: { 'aws:RequestedRegion': 'us-east-1' } }).decision).toBe(
        'Allow',
      );
      expect(
        evaluate(worker, { ...request, context: { 'aws:RequestedRegion': 'ap-south-2' } }).decision,
      ).toBe('ImplicitDeny');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a table per function with --markdown', async () => {
    const { out } = capture();
    expect(await main(['iam', '--stage', 'sandbox', '--markdown'])).toBe(0);
    const text = out.join('');
    expect(text).toContain('### Worker');
    expect(text).toContain('| Purpose | Actions | Resources | Conditions |');
  });

  it('refuses both formats at once, and a file that is not a policy map, with stable codes', async () => {
    const { err } = capture();
    expect(await main(['iam', '--stage', 'sandbox', '--json', '--markdown'])).toBe(1);
    expect(err.join('')).toContain('cli.iam.format');
    const dir = await mkdtemp(join(tmpdir(), 'ec2ops-iam-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ Worker: 'everything' }));
      await expect(loadCallerPolicies(file)).rejects.toMatchObject({ code: 'cli.iam' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
