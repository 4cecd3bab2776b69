import { SLACK_FORECAST_DAYS } from '../../forecast/request';
import { defineCommand } from '../define';

/**
 * `/ec2 forecast [days]`: the worker only starts the Forecast function (which reads the account
 * with its own read-only policy, core/iam/forecast.ts): the command itself calls no EC2 action.
 */
export const forecast = defineCommand({
  name: 'forecast',
  summary: 'What the scheduled jobs will do over the coming days: a summary here, the report attached',
  args: [
    {
      name: 'days',
      type: 'int',
      min: SLACK_FORECAST_DAYS.min,
      max: SLACK_FORECAST_DAYS.max,
      description: `how many days ahead (default ${SLACK_FORECAST_DAYS.default})`,
    },
  ],
  examples: ['forecast', 'forecast 3'],
  role: 'admin',
  mutates: false,
  iam: [],
});
