import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { redactSecrets } from './redact';

/**
 * ec2ops' log shape: fields first, then the message (the call order the code base was written
 * in). Backed by Powertools' Logger, so each line carries the Lambda request id, the cold-start
 * flag and the X-Ray trace id once `injectLambdaContext` runs (see ./middleware.ts).
 */
export interface Logger {
  debug(fields: Fields | string, message?: string): void;
  info(fields: Fields | string, message?: string): void;
  warn(fields: Fields | string, message?: string): void;
  error(fields: Fields | string, message?: string): void;
  /** The same logger with these fields on every line (they are added per line, so a child made at
   * cold start still carries the invocation's request id). */
  child(bindings: Fields): Logger;
  /** Puts `correlation_id` (the ec2ops request id) on every line until this invocation ends;
   * for one-request invocations (the slack function). A batch uses child({ correlation_id }). */
  correlate?(requestId: string): void;
}

export type Fields = Record<string, unknown>;
type Env = Record<string, string | undefined>;

/** pino's level names (LOG_LEVEL kept its meaning) to Powertools'. */
const LEVELS: Record<string, 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT'> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'CRITICAL',
  critical: 'CRITICAL',
  silent: 'SILENT',
};

/** Powertools drops these keys from a line's fields (they are its own); ours move aside. */
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

function fieldsOf(bindings: Fields, fields: Fields): Fields {
  const out: Fields = { ...bindings };
  for (const [key, value] of Object.entries(fields)) out[RESERVED.has(key) ? `${key}_` : key] = value;
  return out;
}

function logOver(logger: PowertoolsLogger, bindings: Fields): Logger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (fields: Fields | string, message?: string): void => {
      if (typeof fields === 'string') logger[level](fields, bindings);
      else logger[level](message ?? '', fieldsOf(bindings, fields));
    };
  const log: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => logOver(logger, { ...bindings, ...more }),
    correlate: (requestId) => logger.setCorrelationId(requestId),
  };
  underneath.set(log, logger);
  return log;
}

/** Each Logger made here, to the Powertools logger under it (see powertoolsOf). */
const underneath = new WeakMap<Logger, PowertoolsLogger>();

/** The Powertools logger under a Logger made here, for the middleware; none for any other. */
export function powertoolsOf(log: Logger): PowertoolsLogger | undefined {
  return underneath.get(log);
}

/**
 * Structured JSON logs, one object per line on stdout (warn and error on stderr), with secrets
 * and request bodies redacted (./redact.ts). LOG_LEVEL sets the level (default info);
 * LOG_DEBUG_SAMPLE_RATE (0–1) turns on debug for that share of invocations.
 */
export function createLog(env: Env, bindings: Record<string, string>): Logger {
  const level = LEVELS[(env['LOG_LEVEL'] ?? 'info').toLowerCase()] ?? 'INFO';
  const rate = Number(env['LOG_DEBUG_SAMPLE_RATE'] ?? '0');
  const logger = new PowertoolsLogger({
    serviceName: 'ec2ops',
    logLevel: level,
    sampleRateValue: Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : 0,
    persistentKeys: bindings,
    jsonReplacerFn: redactSecrets,
  });
  return logOver(logger, {});
}

/** Writes nothing: unit tests, and callers that were given no log. */
export function silentLog(): Logger {
  const none = () => {};
  const log: Logger = { debug: none, info: none, warn: none, error: none, child: () => log, correlate: none };
  return log;
}
