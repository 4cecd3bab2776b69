import { InputError } from './errors';

/**
 * The Slack app manifest for one deployment: paste it into "Create New App → From an app
 * manifest" and the app is set up with the slash command, interactivity and exactly the bot
 * scopes ec2ops uses. The slack function serves slash commands and interactions (buttons,
 * modals) at the same request URL.
 */

/** Every bot scope ec2ops requests, and what uses it; nothing else is requested. */
export const BOT_SCOPES: readonly { scope: string; why: string }[] = [
  { scope: 'commands', why: 'the /ec2 slash command' },
  {
    scope: 'chat:write',
    why: 'job reports, approval requests and audit lines in the channels the bot is invited to',
  },
  { scope: 'im:write', why: 'direct messages to owners (an instance or address about to expire)' },
  { scope: 'usergroups:read', why: 'roles granted to Slack user groups (usergroups.users.list)' },
];
// Not `chat:write.public`: ec2ops posts only to the channels a stage names, and the bot is
// invited to those (which private channels need anyway), so it cannot post anywhere else.
// Slash-command replies go through response_url and modals through views.open: no scope.

export interface ManifestOptions {
  /** The slack function's request URL (the `SlackRequestUrl` output of `sst deploy`). */
  url: string;
  /** The stage name; non-production stages are named after it so two installs stay apart. */
  stage?: string;
  /** The production stage shows plain `ec2ops`. */
  production?: boolean;
}

export interface SlackManifest {
  _metadata: { major_version: 1; minor_version: 1 };
  display_information: {
    name: string;
    description: string;
    long_description: string;
    background_color: string;
  };
  features: {
    app_home: {
      home_tab_enabled: boolean;
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
    };
    bot_user: { display_name: string; always_online: boolean };
    slash_commands: {
      command: string;
      url: string;
      description: string;
      usage_hint: string;
      should_escape: boolean;
    }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: true; request_url: string };
    org_deploy_enabled: false;
    socket_mode_enabled: false;
    token_rotation_enabled: false;
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Slack only calls https URLs; plain http is accepted for a sandbox on this machine. */
export function checkRequestUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError('manifest.url', `"${text}" is not a URL`, {
      hint: 'Pass the SlackRequestUrl output of `sst deploy`, e.g. https://abc123.lambda-url.eu-west-1.on.aws/',
    });
  }
  const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new InputError(
      'manifest.url',
      `the request URL must use https (got ${url.protocol}//${url.host})`,
      {
        hint: 'Slack calls only https URLs; plain http is accepted only for http://127.0.0.1 (the sandbox).',
      },
    );
  }
  if (url.username || url.password) {
    throw new InputError('manifest.url', 'the request URL must not contain a user name or password');
  }
  if (url.hash) throw new InputError('manifest.url', 'the request URL must not contain a #fragment');
  return url.toString();
}

export function buildSlackManifest(options: ManifestOptions): SlackManifest {
  const url = checkRequestUrl(options.url);
  const stage = options.stage;
  if (stage !== undefined && !/^[a-z][a-z0-9-]{0,30}$/.test(stage)) {
    throw new InputError(
      'manifest.stage',
      `"${stage}" is not a stage name (lower-case letters, digits and dashes)`,
    );
  }
  const suffix = stage && !options.production ? stage : undefined;
  // Slack allows 35 characters: `ec2ops (` and `)` leave 26 for the stage.
  const name = suffix ? `ec2ops (${suffix.slice(0, 26)})` : 'ec2ops';
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: 'Launch, stop and open ports on EC2 from Slack, with approvals, expiry and dry-run.',
      long_description: [
        'ec2ops runs Amazon EC2 from Slack for a platform team.',
        'Engineers launch instances from approved AMIs, stop and start them, and open security-group ports for a limited time with /ec2;',
        'requests that policy marks are approved by someone else in the approvals channel.',
        'Scheduled jobs bake nightly AMIs, close expired ports, reap expired instances and release unused Elastic IPs,',
        'and report what they did, and what it saved, in the report channel.',
        'Everything is audited, dry-runnable and safe to run twice.',
      ].join(' '),
      background_color: '#232f3e',
    },
    features: {
      // DMs to owners show in the app's Messages tab; ec2ops reads no messages, so it is read-only.
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: suffix ? `ec2ops-${suffix}` : 'ec2ops', always_online: true },
      slash_commands: [
        {
          command: '/ec2',
          url,
          description: 'Run EC2 from Slack: launch, list, stop, open ports… (/ec2 help)',
          usage_hint: 'help [command] | <command> <args> [key=value …]',
          // Mentions arrive as <@U123|name> and <#C123|name>: ec2ops needs the ids, not names.
          should_escape: true,
        },
      ],
    },
    oauth_config: { scopes: { bot: BOT_SCOPES.map((s) => s.scope) } },
    settings: {
      interactivity: { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

type Yamlable = string | number | boolean | readonly Yamlable[] | { readonly [key: string]: Yamlable };

/**
 * The manifest as YAML, the form Slack's editor shows. Strings are written as YAML
 * double-quoted scalars (JSON's escapes are valid there), so no value can change meaning.
 */
export function manifestToYaml(manifest: SlackManifest): string {
  return `${yamlLines(manifest as unknown as Yamlable, 0).join('\n')}\n`;
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function yamlLines(value: Yamlable, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item: Yamlable) => {
      if (typeof item !== 'object') return [`${pad}- ${scalar(item)}`];
      const [first = '', ...rest] = yamlLines(item, indent + 2);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      if (typeof item !== 'object') return [`${pad}${key}: ${scalar(item)}`];
      if (Array.isArray(item) && item.length === 0) return [`${pad}${key}: []`];
      return [`${pad}${key}:`, ...yamlLines(item, indent + 2)];
    });
  }
  return [`${pad}${scalar(value)}`];
}
