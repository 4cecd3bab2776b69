import { join } from 'node:path';
import { Ec2opsError, InputError } from '@ec2ops/core/errors';
import { messageToText } from '../slack/blockkit-text';
import { remoteMint, type SentRequest, SlackRequestClient } from '../slack/client';
import type { Clock } from '../slack/clock';
import { DEV_SIGNING_SECRET } from '../slack/dev-secret';
import { type SlackEmulator, startSlackEmulator } from '../slack/emulator';
import type { ResponseReply } from '../slack/records';
import { collectReplies } from '../slack/replies';
import { registerCommand } from './main';
import { readSandboxEndpoints, sandboxNow } from './sandbox-target';

interface SlackOptions {
  user: string;
  channel: string;
  url?: string;
  api?: string;
  state: string;
  secret?: string;
  wait: string;
  settle: string;
  json?: boolean;
}

/**
 * `ec2ops slack "/ec2 <text>"`: sends a slash command to a running sandbox exactly as Slack would
 * (signed, form-encoded, with a response_url and trigger_id), then prints the ack and the replies
 * that arrive at the response_url, rendered as text.
 */
registerCommand((program) => {
  program
    .command('slack')
    .description('send a signed slash command, as Slack sends it, and print the replies as text')
    .argument('<command>', 'the command line, e.g. "/ec2 list"')
    .option('--user <id>', 'who sends it (UVIEWER, UOPERATOR, UADMIN in the sandbox)', 'UOPERATOR')
    .option('--channel <id>', 'the channel it is sent from', 'C0EC2OPS')
    .option('--url <url>', "the app's Slack request URL (default: the sandbox's, from endpoints.json)")
    .option('--api <url>', 'the Slack emulator that mints response URLs (default: from endpoints.json)')
    .option('--state <dir>', 'the sandbox state directory holding endpoints.json', '.sandbox')
    .option(
      '--secret <secret>',
      'signing secret (default: $SLACK_SIGNING_SECRET, else the development secret)',
    )
    .option('--wait <seconds>', 'how long to wait for replies at the response_url', '10')
    .option('--settle <ms>', 'stop once replies have arrived and none came for this long', '1500')
    .option('--json', 'print the ack and replies as JSON')
    .action(async (commandLine: string, options: SlackOptions) => {
      process.exitCode = await sendSlashCommand(commandLine, options);
    });
});

async function sendSlashCommand(commandLine: string, options: SlackOptions): Promise<number> {
  if (!commandLine.trim().startsWith('/')) {
    throw new InputError('slack.not_a_command', `"${commandLine}" is not a slash command`, {
      hint: 'quote the whole command: ec2ops slack "/ec2 help"',
    });
  }
  const waitSeconds = Number(options.wait);
  const settleMs = Number(options.settle);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 1800) {
    throw new InputError('slack.bad_wait', `--wait must be between 0 and 1800 seconds, got ${options.wait}`);
  }
  if (!Number.isFinite(settleMs) || settleMs < 0) {
    throw new InputError(
      'slack.bad_settle',
      `--settle must be a number of milliseconds, got ${options.settle}`,
    );
  }
  const endpoints = options.url && options.api ? {} : ((await readSandboxEndpoints(options.state)) ?? {});
  const url = requestUrl(options.url ?? endpoints.slack, options.state);
  // Without a known emulator, a private one in this process receives the replies.
  let privateEmulator: SlackEmulator | undefined;
  let emulatorUrl = options.api ?? endpoints.slackApi;
  if (!emulatorUrl) {
    privateEmulator = await startSlackEmulator();
    emulatorUrl = privateEmulator.url;
  }
  try {
    const client = new SlackRequestClient({
      url,
      signingSecret: options.secret ?? process.env['SLACK_SIGNING_SECRET'] ?? DEV_SIGNING_SECRET,
      mint: remoteMint(emulatorUrl),
      // The sandbox checks request timestamps against its own clock, which the console may move.
      ...(endpoints.ec2 && endpoints.slack && url === requestUrl(endpoints.slack, options.state)
        ? { clock: await followingClock(endpoints.ec2) }
        : {}),
    });
    let sent: SentRequest;
    try {
      sent = await client.slashCommand(commandLine, { user: options.user, channel: options.channel });
    } catch (error) {
      throw new Ec2opsError('slack.unreachable', `could not reach ${url}: ${(error as Error).message}`, {
        cause: error,
        hint: 'is the sandbox running? start it with `npm start`, or pass --url',
      });
    }
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (!options.json) {
      out(`→ ${commandLine.trim()}   (as ${options.user} in ${options.channel})`);
      out(`← HTTP ${sent.status}${sent.text ? '' : ' (empty ack)'}`);
      if (sent.text) out(indent(ackText(sent)));
    }
    const acked = sent.status >= 200 && sent.status < 300;
    let replies: ResponseReply[] = [];
    if (acked && waitSeconds > 0 && sent.responseUrl) {
      replies = await collectReplies({
        emulatorUrl,
        responseUrlId: sent.responseUrl.id,
        waitMs: waitSeconds * 1000,
        settleMs,
        isFinal: isFinalReply,
        ...(options.json ? {} : { onReply: (reply, i) => out(formatReply(reply, i)) }),
      });
      if (!options.json && replies.length === 0)
        out(`(no reply at the response_url within ${waitSeconds} s)`);
    }
    if (options.json) {
      out(JSON.stringify({ ack: { status: sent.status, body: sent.json ?? sent.text }, replies }, null, 2));
    }
    return acked ? 0 : 1;
  } finally {
    await privateEmulator?.close();
  }
}

/** The sandbox serves Slack at `POST /slack/events`; an origin alone means that path. */
function requestUrl(url: string | undefined, stateDir: string): string {
  if (!url) {
    throw new InputError(
      'slack.no_url',
      `no Slack request URL: ${join(stateDir, 'endpoints.json')} has none`,
      {
        hint: 'start the sandbox with `npm start`, or pass --url http://127.0.0.1:<port>/slack/events',
      },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('slack.bad_url', `not a URL: ${url}`, {
      hint: 'give the full request URL, e.g. --url http://127.0.0.1:<port>/slack/events',
    });
  }
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/slack/events';
  return parsed.toString();
}

function ackText(sent: SentRequest): string {
  if (sent.json && typeof sent.json === 'object') {
    const body = sent.json as Record<string, unknown>;
    if ('text' in body || 'blocks' in body) return messageToText(body);
  }
  return sent.text;
}

function formatReply(reply: ResponseReply, index: number): string {
  if (reply.outcome !== 'ok')
    return `── reply ${index + 1} refused by Slack: HTTP ${reply.status} ${reply.outcome} ──`;
  const kind =
    reply.posted?.kind ?? (reply.payload['response_type'] === 'in_channel' ? 'in_channel' : 'ephemeral');
  const action = reply.posted?.action === 'replace' ? ' · replaces the earlier message' : '';
  if (reply.posted?.action === 'delete') return `── reply ${index + 1} · deleted the original message ──`;
  return `── reply ${index + 1} · ${kind}${action} ──\n${indent(messageToText(reply.payload))}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The sandbox's clock, read once, then advancing with this machine's. */
async function followingClock(ec2Endpoint: string): Promise<Clock> {
  const offset = (await sandboxNow(ec2Endpoint)).getTime() - Date.now();
  return { now: () => Date.now() + offset };
}

/**
 * The worker answers a command once, except for a message it says it will update (ec2ops marks
 * those with an hourglass, as a launch does until the instances run); a reply Slack refused
 * ends the exchange too.
 */
export function isFinalReply(reply: ResponseReply): boolean {
  if (reply.outcome !== 'ok') return true;
  const text = typeof reply.payload['text'] === 'string' ? reply.payload['text'] : '';
  return !text.startsWith(':hourglass_flowing_sand:');
}
