import { type Logger, LogLevel } from '@slack/web-api';

/** A WebClient logger that says nothing: tests that expect Slack refusals need not print them. */
export const QUIET_SLACK_LOGGER: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};
