import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@ec2ops/core';
import { parseStageConfig, SANDBOX_STAGE } from '@ec2ops/core/config';
import type { Command } from 'commander';
import { renderForecastHtml, renderForecastMarkdown, renderForecastText } from '../forecast/render';
import { MAX_FORECAST_DAYS, runForecast } from '../forecast/run';
import { readTwin } from '../twin/twin-dir';
import { registerCommand } from './main';
import { loadConfig } from './stage-config';
import { DEFAULT_TWIN_DIR } from './twin';

export interface ForecastCliOptions {
  state?: string;
  days?: string;
  config?: string;
  json?: boolean;
  markdown?: boolean;
  html?: string;
}

/** `ec2ops forecast`: every check before the twin is loaded, then the forecast in the format asked. */
export async function forecastCommand(options: ForecastCliOptions): Promise<number> {
  const days = Number(options.days ?? '7');
  if (!Number.isInteger(days) || days < 1 || days > MAX_FORECAST_DAYS) {
    throw new InputError(
      'cli.days',
      `--days "${options.days}" must be a whole number from 1 to ${MAX_FORECAST_DAYS}`,
    );
  }
  const formats = [options.json, options.markdown, options.html !== undefined].filter(Boolean).length;
  if (formats > 1)
    throw new InputError('cli.flags', 'give one of --json, --markdown and --html FILE (or none)');
  const dir = options.state ?? DEFAULT_TWIN_DIR;
  const twin = readTwin(dir);
  // The twin's own stage.json (a sandbox's twin has one) unless --config names another.
  const config = options.config
    ? await loadConfig(options.config)
    : await loadConfig(join(dir, 'stage.json'), parseStageConfig(SANDBOX_STAGE));
  const tty = process.stderr.isTTY;
  const forecast = await runForecast({
    twin,
    config,
    days,
    ...(tty
      ? { onDay: (day: number, of: number) => process.stderr.write(`\rforecast: day ${day} of ${of}\x1b[K`) }
      : {}),
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (options.html !== undefined) {
    await writeFile(options.html, renderForecastHtml(forecast));
    process.stdout.write(renderForecastText(forecast));
    process.stdout.write(`\nHTML report written to ${options.html}\n`);
  } else if (options.json) process.stdout.write(`${JSON.stringify(forecast, null, 2)}\n`);
  else if (options.markdown) process.stdout.write(renderForecastMarkdown(forecast));
  else process.stdout.write(renderForecastText(forecast));
  return 0;
}

registerCommand((program: Command) => {
  program
    .command('forecast')
    .description(
      "what the stage's jobs would do to a twin over the coming days (the twin is changed in memory only)",
    )
    .option('--state <dir>', 'the twin (from `ec2ops twin import`)', DEFAULT_TWIN_DIR)
    .option('--days <n>', `days ahead, 1 to ${MAX_FORECAST_DAYS}`, '7')
    .option('--config <file>', "stage config JSON (default: the twin's stage.json, else the sandbox stage)")
    .option('--json', 'print the forecast as JSON')
    .option('--markdown', 'print the forecast as Markdown')
    .option('--html <file>', 'write a self-contained HTML report with a timeline chart')
    .action(async (options: ForecastCliOptions) => {
      process.exitCode = await forecastCommand(options);
    });
});
