import { ConfigError } from '@ec2ops/core/errors';
import { SLACK_FORECAST_DAYS } from '@ec2ops/core/forecast';
import { section } from '@ec2ops/core/slack';
import type { CommandExecutor } from '../context';

/**
 * `/ec2 forecast [days]` (admin): starts the Forecast function and says so. The run itself takes
 * minutes; the function posts the summary and the report to this channel when it is done. A
 * request delivered twice starts one forecast: the worker runs a message once only.
 */
export const forecast: CommandExecutor<'forecast'> = async ({ request, forecasts }) => {
  if (!forecasts)
    throw new ConfigError('This deployment has no Forecast function.', {
      hint: 'Deploy the stage with the Forecast function (infra/forecast.ts); the worker needs FORECAST_FUNCTION_NAME.',
    });
  const days = request.args.days ?? SLACK_FORECAST_DAYS.default;
  await forecasts.start({
    requestId: request.id,
    days,
    channel: request.channel.id,
    requestedBy: request.user.id,
  });
  const text = `Forecast for ${days} day${days === 1 ? '' : 's'} started: the summary and the report will be posted here in a few minutes. Request ${request.id}.`;
  return { text, blocks: section(text) };
};
