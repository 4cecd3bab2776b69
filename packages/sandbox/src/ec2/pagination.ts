import { Ec2ApiError, invalidValueFor } from './errors';
import type { Params } from './query';

/**
 * MaxResults/NextToken. The token is opaque to clients (base64url JSON of the offset and the
 * action it belongs to); EC2 checks MaxResults against a range that differs per action.
 */
export interface PageRange {
  min: number;
  max: number;
}

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

interface Token {
  a: string;
  o: number;
}

function encode(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decode(action: string, raw: string): number {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Token>;
    if (token.a === action && typeof token.o === 'number' && Number.isInteger(token.o) && token.o >= 0) {
      return token.o;
    }
  } catch {
    // falls through to the error below
  }
  throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${raw}' for nextToken`);
}

export interface PaginationRequest {
  maxResults: number | undefined;
  offset: number;
}

/** Reads and validates MaxResults/NextToken before anything else happens. */
export function readPagination(params: Params, action: string, range: PageRange): PaginationRequest {
  const raw = params.string('MaxResults');
  let maxResults: number | undefined;
  if (raw !== undefined) {
    maxResults = params.integer('MaxResults');
    if (maxResults === undefined || maxResults < range.min || maxResults > range.max) {
      throw invalidValueFor('MaxResults', raw, `MaxResults must be between ${range.min} and ${range.max}.`);
    }
  }
  const token = params.string('NextToken');
  return { maxResults, offset: token ? decode(action, token) : 0 };
}

export function paginate<T>(items: T[], request: PaginationRequest, action: string): Page<T> {
  if (request.maxResults === undefined) return { items: items.slice(request.offset), nextToken: undefined };
  const end = request.offset + request.maxResults;
  return {
    items: items.slice(request.offset, end),
    nextToken: end < items.length ? encode({ a: action, o: end }) : undefined,
  };
}
