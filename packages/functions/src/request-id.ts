import { randomBytes } from 'node:crypto';

/** `r-` and 16 hex characters: short enough to quote, unique enough to be an EC2 ClientToken. */
export function newRequestId(): string {
  return `r-${randomBytes(8).toString('hex')}`;
}
