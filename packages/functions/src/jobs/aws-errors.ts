/** Reads the stable code of an AWS SDK v3 error (or anything thrown). */
export function awsErrorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [e.Code, e.code, e.name]) {
      if (typeof candidate === 'string' && candidate && candidate !== 'Error') return candidate;
    }
  }
  return 'Unknown';
}

export function awsErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorCode(error));
}

/** `InvalidAllocationID.NotFound`, `InvalidAddress.NotFound`, … */
export function isNotFound(error: unknown): boolean {
  return awsErrorCode(error).endsWith('.NotFound');
}
