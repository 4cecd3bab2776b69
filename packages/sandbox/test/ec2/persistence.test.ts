import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyPairCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runEmulator } from '../../src/cli/emulator';
import { main } from '../../src/cli/main';
import { startEc2Emulator } from '../../src/ec2/server';
import { runningInstances } from './fixtures';
import { startTestEmulator } from './harness';

describe('--state FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps instances, tags, key pairs and seeded ids across a restart', async () => {
    const file = join(dir, 'nested', 'ec2.json');
    const first = await startTestEmulator({ stateFile: file });
    const [instance] = await runningInstances(first.ec2, { MinCount: 2, MaxCount: 2 });
    const id = instance!.InstanceId!;
    await first.ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [{ Key: 'ec2ops:expires-at', Value: '2030-01-01T00:00:00Z' }],
      }),
    );
    await first.ec2.send(new CreateKeyPairCommand({ KeyName: 'kept' }));
    const images = (await first.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images!.map(
      (i) => i.ImageId,
    );
    const before = (await first.ec2.send(new DescribeInstancesCommand({}))).Reservations;
    await first.close();

    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['ec2.json']);

    const second = await startTestEmulator({ stateFile: file });
    try {
      const after = (await second.ec2.send(new DescribeInstancesCommand({}))).Reservations;
      expect(after).toEqual(before);
      const [restored] = (await second.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
        .Reservations![0]!.Instances!;
      expect(restored!.Tags).toContainEqual({ Key: 'ec2ops:expires-at', Value: '2030-01-01T00:00:00Z' });
      expect(
        (await second.ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs?.map((k) => k.KeyName),
      ).toEqual(['kept']);
      expect(
        (await second.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images!.map(
          (i) => i.ImageId,
        ),
      ).toEqual(images);
      // transitions continue after a restart
      await second.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    } finally {
      await second.close();
    }
    const third = await startTestEmulator({ stateFile: file });
    try {
      const states = (
        await third.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))
      ).Reservations![0]!.Instances!.map((i) => i.State?.Name);
      expect(['shutting-down', 'terminated']).toContain(states[0]);
    } finally {
      await third.close();
    }
  });

  it('refuses to start on a state file that is not its format', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"version": 99}');
    await expect(startEc2Emulator({ stateFile: file })).rejects.toThrow(/unsupported emulator state file/);
  });
});

describe('ec2ops emulator (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves until stopped, printing the endpoint and how to point clients at it', async () => {
    const chunks: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    const stop = new AbortController();
    try {
      const running = runEmulator({ port: '0', host: '127.0.0.1' }, stop.signal);
      let url: string | undefined;
      for (let i = 0; i < 100 && !url; i += 1) {
        url = /listening on (http:\/\/[0-9.:]+)/.exec(chunks.join(''))?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(url).toBeDefined();
      expect(chunks.join('')).toContain(`export AWS_ENDPOINT_URL_EC2=${url}`);
      const answer = await fetch(url!, { method: 'POST', body: 'Action=DescribeRegions&Version=2016-11-15' });
      expect(answer.status).toBe(200);
      stop.abort();
      await running;
      expect(chunks.join('')).toContain('EC2 emulator stopped');
    } finally {
      out.mockRestore();
    }
  });

  it('prints help and refuses unknown flags, bad or busy ports and unusable state files', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['emulator', '--help'])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('--state <file>');
      expect(await main(['emulator', '--bogus'])).toBe(2);
      expect(await main(['emulator', '--port', 'eighty'])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('--port must be a number');
      const busy = await startEc2Emulator({});
      try {
        expect(await main(['emulator', '--port', String(busy.port)])).toBe(1);
        expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain(
          `port ${busy.port} is already in use`,
        );
      } finally {
        await busy.close();
      }
      const bad = join(dir, 'not-json.json');
      writeFileSync(bad, '{oops');
      expect(await main(['emulator', '--port', '0', '--state', bad])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('cannot use the state file');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
