import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from './capture-output';
import { main } from './main';

const capture = captureOutput;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ec2ops manifest', () => {
  it('prints the manifest for the request URL as JSON', async () => {
    const { out } = capture();
    const code = await main([
      'manifest',
      '--url',
      'https://abc.lambda-url.eu-west-1.on.aws/',
      '--stage',
      'dev',
    ]);
    expect(code).toBe(0);
    const manifest = JSON.parse(out.join(''));
    expect(manifest.features.slash_commands[0].url).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
    expect(manifest.display_information.name).toBe('ec2ops (dev)');
  });

  it('refuses a URL that is not https with a clear message and exit code 1', async () => {
    const { out, err } = capture();
    const code = await main(['manifest', '--url', 'http://example.com/']);
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toContain(
      'error manifest.url: the request URL must use https (got http://example.com)',
    );
  });

  it('prints YAML when asked', async () => {
    const { out } = capture();
    const code = await main([
      'manifest',
      '--url',
      'https://abc.lambda-url.eu-west-1.on.aws/',
      '--format',
      'yaml',
    ]);
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^_metadata:\n {2}major_version: 1\n/);
    expect(out.join('')).toContain('    - command: "/ec2"\n');
  });

  it('refuses a format it does not write', async () => {
    const { err } = capture();
    expect(
      await main(['manifest', '--url', 'https://abc.lambda-url.eu-west-1.on.aws/', '--format', 'toml']),
    ).toBe(1);
    expect(err.join('')).toContain('--format must be json or yaml (got "toml")');
  });
});
