import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/runner/sandbox';

const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a state directory the sandbox cannot use', () => {
  it('names the broken EC2 state file and how to start over', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'ec2.json'), '{broken');
    await expect(startSandbox({ port: 0, stateDir: dir, log: () => {} })).rejects.toMatchObject({
      code: 'sandbox.state',
      message: expect.stringContaining(join(dir, 'ec2.json')),
      hint: expect.stringContaining('new state directory'),
    });
  });

  it('names a stage config that is not JSON', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'stage.json'), 'stage: sandbox');
    await expect(startSandbox({ port: 0, stateDir: dir, log: () => {} })).rejects.toMatchObject({
      code: 'sandbox.state',
      message: expect.stringContaining('stage.json'),
    });
  });

  it('lists what is wrong in a stage config that is not valid', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'stage.json'), JSON.stringify({ stage: 'Sandbox!', regions: [] }));
    await expect(startSandbox({ port: 0, stateDir: dir, log: () => {} })).rejects.toMatchObject({
      code: 'config.invalid',
      message: expect.stringMatching(/stage:[\s\S]*regions:/),
    });
  });

  it('leaves the clock of the process as it was after a failed start', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'ec2.json'), '{broken');
    const RealDate = Date;
    await startSandbox({ port: 0, stateDir: dir, log: () => {} }).catch(() => undefined);
    expect(Date).toBe(RealDate);
  });
});
