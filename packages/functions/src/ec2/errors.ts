import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { isThrottlingError } from '@smithy/core/retry';

/**
 * How ec2ops reads what EC2 threw. EC2 models no error shapes, so every service error is an
 * `EC2ServiceException` whose `name` is EC2's code (`InvalidAddress.NotFound`…); anything else
 * (a network failure, one of our own coded errors) keeps its `code` or its name.
 */
export function awsErrorCode(error: unknown): string {
  if (error instanceof EC2ServiceException) return error.name;
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    for (const candidate of [code, name]) {
      if (typeof candidate === 'string' && candidate && candidate !== 'Error') return candidate;
    }
  }
  return 'Unknown';
}

export function awsErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Throttling as the SDK's own retry strategy classifies it (status 429 and the throttling codes). */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof EC2ServiceException)) return false;
  const { name, message, $metadata, $retryable } = error;
  return isThrottlingError({ name, message, $metadata, ...($retryable ? { $retryable } : {}) });
}

/** `InvalidAllocationID.NotFound`, `InvalidAddress.NotFound`, … */
export function isNotFound(error: unknown): boolean {
  return error instanceof EC2ServiceException && error.name.endsWith('.NotFound');
}
