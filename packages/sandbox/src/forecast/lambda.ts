import type { EC2Client } from '@aws-sdk/client-ec2';
import type { StageConfig } from '@ec2ops/core/config';
import { ConfigError } from '@ec2ops/core/errors';
import { type Forecast, type ForecastRequest, parseForecastDays } from '@ec2ops/core/forecast';
import { FORECAST_FUNCTION } from '@ec2ops/core/iam';
import { escapeMrkdwn } from '@ec2ops/core/slack';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { build, type Root, stageConfigFromJson } from '@ec2ops/functions/root';
import { slackWebClient } from '@ec2ops/functions/slack-notifier';
import type { WebClient } from '@slack/web-api';
import { importAccount } from '../twin/import';
import { renderForecastMarkdown, renderForecastSummary } from './render';
import { runForecast } from './run';

/**
 * The Forecast function: the one Lambda entry that lives in the sandbox package. It has to: a
 * forecast runs the EC2 emulator and every job inside one process, the emulator is the
 * sandbox's, and the functions package may not import the sandbox (core decides, functions
 * connect, the sandbox imitates). It reads the account into a twin with its OWN credentials,
 * whose policy holds only the twin import's Describe actions (core/iam/forecast.ts), runs the
 * forecast on the twin and posts to the channel that asked: a summary, then the Markdown report
 * as a file in the summary's thread.
 */
export interface ForecastFunctionDeps {
  config: StageConfig;
  /** The account's EC2 clients, signed as the Forecast function. */
  ec2: (region: string) => EC2Client;
  slack: WebClient;
  /** Epoch ms: the instant the twin is taken as. */
  now: () => number;
  log?: (line: string) => void;
}

export interface ForecastPosted {
  forecast: Forecast;
  /** The summary message. */
  ts: string;
  fileId: string | undefined;
}

export async function forecastToSlack(
  request: ForecastRequest,
  deps: ForecastFunctionDeps,
): Promise<ForecastPosted> {
  // The worker checked the days already; a request from anywhere else is held to the same bounds.
  const days = parseForecastDays(String(request.days));
  const { config } = deps;
  const now = deps.now();
  const imported = await importAccount({ ec2: deps.ec2, regions: config.regions, now });
  const forecast = await runForecast({
    twin: {
      meta: {
        version: 1,
        importedAt: new Date(now).toISOString(),
        accountId: imported.accountId,
        regions: config.regions,
        source: 'aws',
        counts: imported.counts,
        calls: imported.calls,
      },
      state: imported.state,
    },
    config,
    days,
    ...(deps.log ? { log: deps.log } : {}),
  });
  // Everything in the summary can carry what the account holds (stage and region names come
  // from config, verbs from code, but nothing here is trusted to be mrkdwn-safe).
  const summary = `<@${escapeMrkdwn(request.requestedBy)}> asked for a forecast.\n${escapeMrkdwn(renderForecastSummary(forecast))}`;
  const posted = await deps.slack.chat.postMessage({ channel: request.channel, text: summary });
  const upload = (await deps.slack.files.uploadV2({
    channel_id: request.channel,
    thread_ts: posted.ts!,
    filename: `forecast-${config.stage}-${days}d.md`,
    title: `Forecast, ${days} day${days === 1 ? '' : 's'}`,
    content: renderForecastMarkdown(forecast),
  })) as unknown as { files?: { files?: { id?: string }[] }[] };
  return { forecast, ts: posted.ts!, fileId: upload.files?.[0]?.files?.[0]?.id };
}

/**
 * The function over its composition root: the stage config from EC2OPS_CONFIG, the Slack token
 * from the linked secret, EC2 clients signed with the root's credentials (the role on Lambda,
 * `Forecast` in the sandbox). Built once per cold start.
 */
export function forecastFunction(root: Root): (event: ForecastRequest) => Promise<ForecastPosted> {
  const token = root.secret('SlackBotToken');
  if (!token) throw new ConfigError('Missing linked secret SlackBotToken.');
  const config = stageConfigFromJson(root.env['EC2OPS_CONFIG'] ?? '');
  const ec2 = ec2ClientsByRegion({ endpoint: root.endpoints.ec2, credentials: root.credentials });
  const slack = slackWebClient(token, root.endpoints.slackApi);
  return async (event) => {
    try {
      return await forecastToSlack(event, { config, ec2, slack, now: () => root.clock.now().getTime() });
    } catch (error) {
      // Whoever asked was told "started": a run that fails must say so where they are waiting.
      const why = error instanceof Error ? error.message : String(error);
      await slack.chat
        .postMessage({
          channel: event.channel,
          text: `The forecast <@${escapeMrkdwn(event.requestedBy)}> asked for failed: ${escapeMrkdwn(why)}`,
        })
        .catch(() => undefined);
      throw error;
    }
  };
}

let cold: ((event: ForecastRequest) => Promise<ForecastPosted>) | undefined;

/**
 * Lambda's entry: invoked asynchronously by the worker (InvocationType Event) with a
 * ForecastRequest. Credentials come from the SDK's default chain (the function's role).
 */
export async function handler(event: ForecastRequest): Promise<{ ts: string; fileId: string | undefined }> {
  cold ??= forecastFunction(build({ fn: FORECAST_FUNCTION, env: process.env }));
  const posted = await cold(event);
  return { ts: posted.ts, fileId: posted.fileId };
}
