import { Ec2ApiError, invalidValueFor } from './errors';
import { type PagingRule, pagingRule } from './paging-rules';
import type { Params } from './query';

/**
 * MaxResults/NextToken. The token is opaque to clients (base64url JSON of the action, the offset
 * and the id of the first item of the next page); EC2 checks MaxResults against a range that
 * differs per action.
 *
 * A token resumes at the item it names, not at a bare offset, so that deleting what a page
 * returned (a job that pages and deletes as it goes) neither skips nor repeats items, as with
 * EC2's own tokens. The offset is the fallback when that item itself is gone.
 */
export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

interface Token {
  a: string;
  o: number;
  n?: string;
}

function encode(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decode(
  rule: PagingRule,
  action: string,
  raw: string,
): { offset: number; nextId: string | undefined } {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Token>;
    if (token.a === action && typeof token.o === 'number' && Number.isInteger(token.o) && token.o >= 0) {
      return { offset: token.o, nextId: typeof token.n === 'string' ? token.n : undefined };
    }
  } catch {
    // falls through to the error below
  }
  throw invalidNextToken(rule, raw);
}

function invalidNextToken(rule: PagingRule, raw: string): Ec2ApiError {
  if (rule.vpcStyleToken) return invalidValueFor('NextToken', raw, 'The token is invalid.');
  return new Ec2ApiError('InvalidNextToken', 'The specified NextToken is not valid.');
}

export interface PaginationRequest {
  maxResults: number | undefined;
  offset: number;
  /** The id of the item the page starts at, when the token named one. */
  nextId?: string;
}

/** Reads and validates MaxResults/NextToken before anything else happens. */
export function readPagination(params: Params, action: string): PaginationRequest {
  const rule = pagingRule(action);
  const raw = params.string('MaxResults');
  let maxResults: number | undefined;
  if (raw !== undefined) {
    maxResults = params.integer('MaxResults');
    const tooHigh = maxResults !== undefined && maxResults > rule.max && rule.above === 'error';
    if (maxResults === undefined || maxResults < rule.min || tooHigh) {
      throw invalidValueFor('MaxResults', raw, `MaxResults must be between ${rule.min} and ${rule.max}.`);
    }
    maxResults = Math.min(maxResults, rule.max);
    if (rule.idsParam && params.has(rule.idsParam.query)) {
      throw new Ec2ApiError(
        'InvalidParameterCombination',
        `The parameter ${rule.idsParam.wire} cannot be used with the parameter maxResults`,
      );
    }
  }
  const token = params.string('NextToken');
  if (token === '' && rule.vpcStyleToken) throw invalidNextToken(rule, token);
  if (!token) return { maxResults, offset: 0 };
  const { offset, nextId } = decode(rule, action, token);
  return { maxResults, offset, nextId };
}

function idOf(item: unknown): string | undefined {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

export function paginate<T>(items: T[], request: PaginationRequest, action: string): Page<T> {
  let start = Math.min(request.offset, items.length);
  if (request.nextId !== undefined) {
    const index = items.findIndex((item) => idOf(item) === request.nextId);
    if (index >= 0) start = index;
  }
  if (request.maxResults === undefined) return { items: items.slice(start), nextToken: undefined };
  const end = start + request.maxResults;
  if (end >= items.length) return { items: items.slice(start), nextToken: undefined };
  return { items: items.slice(start, end), nextToken: encode({ a: action, o: end, n: idOf(items[end]) }) };
}
