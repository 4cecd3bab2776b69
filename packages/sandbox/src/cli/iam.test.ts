import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../test/cli/capture-output';
import { evaluate } from '../iam/evaluate';
import { loadCallerPolicies } from './iam-files';
import { main } from './main';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ec2ops iam', () => {
  it('prints every function’s policy (the read-only Forecast too) by its deployed name, in a file `emulator --iam` accepts', async () => {
    const { out } = captureOutput();
    expect(await main(['iam', '--stage', 'production', '--json'])).toBe(0);
    const policies = JSON.parse(out());
    expect(Object.keys(policies).sort()).toEqual(
      [
        'AmiBakeJob',
        'EipCleanupJob',
        'Forecast',
        'InstanceReaperJob',
        'PortSweepJob',
        'Slack',
        'Worker',
      ].sort(),
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

  it('prints with --markdown exactly the page docs/iam.md is for production, and that page for any stage', async () => {
    const committed = await readFile(join(import.meta.dirname, '../../../../docs/iam.md'), 'utf8');
    const production = captureOutput();
    expect(await main(['iam', '--stage', 'production', '--markdown'])).toBe(0);
    expect(production.out()).toBe(committed);
    vi.restoreAllMocks();
    const sandbox = captureOutput();
    expect(await main(['iam', '--stage', 'sandbox', '--markdown'])).toBe(0);
    expect(sandbox.out()).toContain('for the `sandbox` stage');
    expect(sandbox.out()).toContain('### worker\n\n| Why | Actions | Resources | Only when |');
  });

  it('refuses both formats at once, and a file that is not a policy map, with stable codes', async () => {
    const { err } = captureOutput();
    expect(await main(['iam', '--stage', 'sandbox', '--json', '--markdown'])).toBe(1);
    expect(err()).toContain('cli.iam.format');
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
