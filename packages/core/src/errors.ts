import type { ErrorCode } from './error-codes';

/**
 * Every error ec2ops shows a person carries a stable `code` (for logs, tests and docs) and a
 * message that says what to do next. One mapper (slack/error-message) turns these into what a
 * Slack user sees; the CLI prints `code: message`.
 */
export class Ec2opsError extends Error {
  readonly code: ErrorCode;
  /** A next step for the person, when the message alone does not say it. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Ec2opsError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad input from a person (command, flag, config value): refused before anything changes. */
export class InputError extends Ec2opsError {
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, options);
    this.name = 'InputError';
  }
}

/** The caller may not do this (role, ownership, policy). */
export class ForbiddenError extends Ec2opsError {
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(code, message, options);
    this.name = 'ForbiddenError';
  }
}

/** Stage configuration that cannot be used: refused at deploy and at start-up. */
export class ConfigError extends Ec2opsError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super('config.invalid', message, options);
    this.name = 'ConfigError';
  }
}

export function isEc2opsError(value: unknown): value is Ec2opsError {
  return value instanceof Ec2opsError;
}
