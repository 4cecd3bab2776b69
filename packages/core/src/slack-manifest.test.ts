import { describe, expect, it } from 'vitest';
import { isEc2opsError } from './errors';
import { buildSlackManifest, checkRequestUrl, manifestToYaml } from './slack-manifest';

const URL_OUTPUT = 'https://abc123xyz.lambda-url.eu-west-1.on.aws/';

function refusal(url: string): string {
  try {
    checkRequestUrl(url);
  } catch (error) {
    if (isEc2opsError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('the Slack app manifest', () => {
  it('points the /ec2 slash command and interactivity at the request URL', () => {
    const manifest = buildSlackManifest({ url: URL_OUTPUT });
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(manifest.features.slash_commands[0]).toMatchObject({
      command: '/ec2',
      url: URL_OUTPUT,
      should_escape: true,
    });
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: URL_OUTPUT });
  });

  it('requests exactly the bot scopes ec2ops uses', () => {
    expect(buildSlackManifest({ url: URL_OUTPUT }).oauth_config.scopes.bot).toEqual([
      'commands',
      'chat:write',
      'im:write',
      'usergroups:read',
    ]);
  });

  it('uses plain HTTP request URLs: no socket mode, no token rotation, no org-wide deploy', () => {
    const { settings } = buildSlackManifest({ url: URL_OUTPUT });
    expect(settings.socket_mode_enabled).toBe(false);
    expect(settings.token_rotation_enabled).toBe(false);
    expect(settings.org_deploy_enabled).toBe(false);
  });

  it('names a non-production stage after it so two installs stay apart', () => {
    const dev = buildSlackManifest({ url: URL_OUTPUT, stage: 'dev' });
    expect(dev.display_information.name).toBe('ec2ops (dev)');
    expect(dev.features.bot_user.display_name).toBe('ec2ops-dev');
    const production = buildSlackManifest({ url: URL_OUTPUT, stage: 'production', production: true });
    expect(production.display_information.name).toBe('ec2ops');
    expect(production.features.bot_user.display_name).toBe('ec2ops');
  });

  it("stays within Slack's limits for display information", () => {
    const manifest = buildSlackManifest({ url: URL_OUTPUT, stage: 'a-very-long-stage-name-for-test' });
    expect(manifest.display_information.name).toBe('ec2ops (a-very-long-stage-name-for)');
    const info = manifest.display_information;
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description.length).toBeLessThanOrEqual(140);
    expect(info.long_description.length).toBeGreaterThanOrEqual(175);
    expect(info.long_description.length).toBeLessThanOrEqual(4000);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    expect(info.background_color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('accepts the sandbox on loopback over plain http', () => {
    expect(
      buildSlackManifest({ url: 'http://127.0.0.1:8787/slack/events' }).settings.interactivity.request_url,
    ).toBe('http://127.0.0.1:8787/slack/events');
  });

  it('refuses a URL Slack would not call, saying why', () => {
    expect(refusal('http://example.com/slack')).toBe(
      'manifest.url: the request URL must use https (got http://example.com)',
    );
    expect(refusal('abc123.lambda-url.eu-west-1.on.aws')).toBe(
      'manifest.url: "abc123.lambda-url.eu-west-1.on.aws" is not a URL',
    );
    expect(refusal('ftp://example.com/')).toMatch(/must use https/);
    expect(refusal('https://user:pw@example.com/')).toMatch(/user name or password/);
  });

  it('refuses a stage name that is not one', () => {
    expect(() => buildSlackManifest({ url: URL_OUTPUT, stage: 'Prod!' })).toThrow(/not a stage name/);
  });

  it('writes the same manifest as YAML, every string quoted so none changes meaning', () => {
    const manifest = buildSlackManifest({ url: URL_OUTPUT, stage: 'dev' });
    const yaml = manifestToYaml(manifest);
    expect(yaml).toContain(
      [
        'features:',
        '  app_home:',
        '    home_tab_enabled: false',
        '    messages_tab_enabled: true',
        '    messages_tab_read_only_enabled: true',
        '  bot_user:',
        '    display_name: "ec2ops-dev"',
        '    always_online: true',
        '  slash_commands:',
        '    - command: "/ec2"',
        `      url: "${URL_OUTPUT}"`,
      ].join('\n'),
    );
    expect(yaml).toContain('    bot:\n      - "commands"\n      - "chat:write"\n');
    expect(yaml).toContain('  background_color: "#232f3e"\n');
    expect(yaml.endsWith('  token_rotation_enabled: false\n')).toBe(true);
  });
});
