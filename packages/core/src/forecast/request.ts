import { InputError } from '../errors';

/**
 * `/ec2 forecast [days]`: how far ahead Slack may ask. A fortnight: beyond it the account changes
 * under the forecast, and the Forecast function's few minutes may not be enough.
 */
export const SLACK_FORECAST_DAYS = { min: 1, max: 14, default: 7 } as const;

/** What the worker hands the Forecast function: whom to answer, where, and how far ahead. */
export interface ForecastRequest {
  /** The command's request id: one forecast per request, however often it is delivered. */
  requestId: string;
  days: number;
  /** The channel the command came from: the summary and the report go there. */
  channel: string;
  /** Who asked (a Slack user id), named in the summary. */
  requestedBy: string;
}

/** Days as typed (`/ec2 forecast 3`), or the default; anything else is refused with `forecast.days`. */
export function parseForecastDays(text: string | undefined): number {
  const raw = (text ?? '').trim();
  if (raw === '') return SLACK_FORECAST_DAYS.default;
  const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(days >= SLACK_FORECAST_DAYS.min && days <= SLACK_FORECAST_DAYS.max)) {
    throw new InputError(
      'forecast.days',
      `Days must be a whole number from ${SLACK_FORECAST_DAYS.min} to ${SLACK_FORECAST_DAYS.max}.`,
      { hint: `For example \`/ec2 forecast ${SLACK_FORECAST_DAYS.default}\`.` },
    );
  }
  return days;
}
