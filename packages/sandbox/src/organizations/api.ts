import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account, AccountRegistry, Caller } from '../accounts/registry';

/**
 * The emulator's AWS Organizations subset (JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.<Op>`,
 * shapes from botocore's organizations 2016-11-28 model): ListRoots, DescribeOrganization,
 * ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent, paged at 20 as AWS does.
 * The hub is the management account; member accounts sit in the OU they were added with (the
 * root otherwise). Only hub callers may read the organisation: a member account's session is
 * refused with AccessDeniedException, as it would be outside the management account.
 */
const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
export const ORGANIZATION_ID = 'o-ec2opssandbox';
export const ROOT_ID = 'r-root';
const PAGE_MAX = 20;
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

export interface OrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export class OrganizationsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'OrganizationsError';
  }
}

export function isOrganizationsRequest(request: IncomingMessage): boolean {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

/** The organisation's OUs, kept beside the accounts (an emulator without any has no organisation). */
const unitsByRegistry = new WeakMap<AccountRegistry, Map<string, OrganizationalUnit>>();

export function organizationalUnits(accounts: AccountRegistry): Map<string, OrganizationalUnit> {
  let units = unitsByRegistry.get(accounts);
  if (!units) {
    units = new Map();
    unitsByRegistry.set(accounts, units);
  }
  return units;
}

export function addOrganizationalUnit(accounts: AccountRegistry, unit: OrganizationalUnit): void {
  if (!/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(unit.id)) {
    throw new OrganizationsError('InvalidInputException', `invalid OU id ${unit.id}`, 400, 'INVALID_PATTERN');
  }
  organizationalUnits(accounts).set(unit.id, unit);
}

interface Context {
  accounts: AccountRegistry;
  body: Record<string, unknown>;
}

const arnOf = (accounts: AccountRegistry, kind: string, id: string) =>
  `arn:aws:organizations::${accounts.hub.id}:${kind}/${ORGANIZATION_ID}/${id}`;

function accountShape(accounts: AccountRegistry, account: Account): Record<string, unknown> {
  const name = account.alias ?? (account.hub ? 'management' : account.id);
  return {
    Id: account.id,
    Arn: arnOf(accounts, 'account', account.id),
    Email: `${name}@example.com`,
    Name: name,
    Status: 'ACTIVE',
    State: 'ACTIVE',
    JoinedMethod: account.hub ? 'CREATED' : 'INVITED',
    // JSON 1.1 timestamps are epoch seconds.
    JoinedTimestamp: account.joinedAt / 1000,
  };
}

function page<T>(items: T[], body: Record<string, unknown>, key: string): Record<string, unknown> {
  const max = body.MaxResults === undefined ? PAGE_MAX : body.MaxResults;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > PAGE_MAX) {
    throw new OrganizationsError(
      'InvalidInputException',
      `MaxResults must be between 1 and ${PAGE_MAX}.`,
      400,
      'MAX_LIMIT_EXCEEDED_FILTER',
    );
  }
  let start = 0;
  if (body.NextToken !== undefined) {
    const token =
      typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64url').toString()) : NaN;
    if (!Number.isInteger(token) || token < 0 || token > items.length) {
      throw new OrganizationsError(
        'InvalidInputException',
        'The NextToken is not valid.',
        400,
        'INVALID_NEXT_TOKEN',
      );
    }
    start = token;
  }
  const end = start + max;
  return {
    [key]: items.slice(start, end),
    ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function parentOf(context: Context): string {
  const parentId = context.body.ParentId;
  if (typeof parentId !== 'string' || !PARENT_ID.test(parentId)) {
    throw new OrganizationsError(
      'InvalidInputException',
      'You provided a value that does not match the required pattern.',
      400,
      'INVALID_PATTERN',
    );
  }
  if (parentId !== ROOT_ID && !organizationalUnits(context.accounts).has(parentId)) {
    throw new OrganizationsError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return parentId;
}

const accountParent = (context: Context, account: Account) =>
  account.ouId && organizationalUnits(context.accounts).has(account.ouId) ? account.ouId : ROOT_ID;

const OPERATIONS: Record<string, { action: string; run: (context: Context) => Record<string, unknown> }> = {
  DescribeOrganization: {
    action: 'organizations:DescribeOrganization',
    run: ({ accounts }) => ({
      Organization: {
        Id: ORGANIZATION_ID,
        Arn: `arn:aws:organizations::${accounts.hub.id}:organization/${ORGANIZATION_ID}`,
        FeatureSet: 'ALL',
        MasterAccountArn: arnOf(accounts, 'account', accounts.hub.id),
        MasterAccountId: accounts.hub.id,
        MasterAccountEmail: 'management@example.com',
        AvailablePolicyTypes: [],
      },
    }),
  },
  ListRoots: {
    action: 'organizations:ListRoots',
    run: (context) =>
      page(
        [{ Id: ROOT_ID, Arn: arnOf(context.accounts, 'root', ROOT_ID), Name: 'Root', PolicyTypes: [] }],
        context.body,
        'Roots',
      ),
  },
  ListAccounts: {
    action: 'organizations:ListAccounts',
    run: (context) =>
      page(
        context.accounts.all().map((a) => accountShape(context.accounts, a)),
        context.body,
        'Accounts',
      ),
  },
  ListAccountsForParent: {
    action: 'organizations:ListAccountsForParent',
    run: (context) => {
      const parent = parentOf(context);
      const inParent = context.accounts.all().filter((a) => accountParent(context, a) === parent);
      return page(
        inParent.map((a) => accountShape(context.accounts, a)),
        context.body,
        'Accounts',
      );
    },
  },
  ListOrganizationalUnitsForParent: {
    action: 'organizations:ListOrganizationalUnitsForParent',
    run: (context) => {
      const parent = parentOf(context);
      const units = [...organizationalUnits(context.accounts).values()]
        .filter((u) => u.parentId === parent)
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((u) => ({ Id: u.id, Arn: arnOf(context.accounts, 'ou', u.id), Name: u.name }));
      return page(units, context.body, 'OrganizationalUnits');
    },
  },
};

export interface OrganizationsOptions {
  accounts: AccountRegistry;
  maxBody: number;
  accessKeyId: string | undefined;
  caller: Caller;
  authorize?: ((caller: string, action: string, resource: string) => boolean) | undefined;
}

function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, value: unknown, errorType?: string): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(body);
}

function operate(
  options: OrganizationsOptions,
  name: string,
  text: string | undefined,
): Record<string, unknown> {
  const { accounts, caller } = options;
  if (caller.kind === 'expired') {
    throw new OrganizationsError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
      403,
    );
  }
  if (caller.kind === 'unknown-session') {
    throw new OrganizationsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }
  const operation = OPERATIONS[name];
  if (!operation)
    throw new OrganizationsError('UnknownOperationException', `Unknown operation ${name.slice(0, 64)}`);
  if (text === undefined)
    throw new OrganizationsError('SerializationException', 'The request body is too large.', 413);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new OrganizationsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new OrganizationsError('SerializationException', 'The request body must be a JSON object.');
  }
  const denied = () =>
    new OrganizationsError('AccessDeniedException', "You don't have permissions to access this resource.");
  // Only the management account reads its organisation (a member's session is outside it).
  if (caller.session || caller.account !== accounts.hub) throw denied();
  if (options.authorize && !options.authorize(options.accessKeyId ?? '', operation.action, '*'))
    throw denied();
  if (accounts.memberAccounts().length === 0) {
    throw new OrganizationsError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
  }
  return operation.run({ accounts, body: body as Record<string, unknown> });
}

/** Answers one Organizations request (JSON 1.1): the result, or `{__type, Message}` with its status. */
export async function handleOrganizations(
  request: IncomingMessage,
  response: ServerResponse,
  options: OrganizationsOptions,
): Promise<void> {
  const target = String(request.headers['x-amz-target']);
  const text = await readBody(request, options.maxBody);
  try {
    answer(response, 200, operate(options, target.slice(TARGET_PREFIX.length), text));
  } catch (error) {
    if (!(error instanceof OrganizationsError)) throw error;
    answer(
      response,
      error.status,
      { __type: error.type, Message: error.message, ...(error.reason ? { Reason: error.reason } : {}) },
      error.type,
    );
  }
}
