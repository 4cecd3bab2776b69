import { createHash } from 'node:crypto';
import type { AccountRegistry } from '../accounts/registry';
import type { AssumedSession } from '../accounts/sessions';
import { escapeXml } from '../ec2/xml';

/**
 * The emulator's STS (query protocol, as botocore's sts 2011-06-15 model describes it):
 * AssumeRole and GetCallerIdentity, served on the EC2 emulator's port. A request is STS's when
 * its form says `Version=2011-06-15` (EC2's is 2016-11-15), whatever the path.
 *
 * AssumeRole refuses exactly as STS does, with one AccessDenied for every reason (the caller is
 * not trusted, the ExternalId is wrong or missing, the role does not exist), so a caller cannot
 * probe which one it was. The credentials expire on the emulator's clock.
 */
export const STS_VERSION = '2011-06-15';
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'StsError';
  }
}

/** Who signed an STS request: a long-term key (hub caller), or a session STS issued earlier. */
export interface StsCaller {
  accessKeyId: string | undefined;
  session?: AssumedSession | undefined;
}

export interface StsRequest {
  accounts: AccountRegistry;
  params: URLSearchParams;
  caller: StsCaller;
  requestId: string;
  /**
   * The caller's own identity policy (IAM enforcement): may it call `sts:AssumeRole` on this role?
   * Absent: every caller may (an emulator without IAM enforcement).
   */
  authorize?: ((caller: string, action: string, resource: string) => boolean) | undefined;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_ARN = /^arn:aws:iam::([0-9]{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

const validation = (message: string) => new StsError('ValidationError', message, 400);

function validated(field: string, value: string | undefined, pattern: RegExp, describe: string): string {
  if (value === undefined) {
    throw validation(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (!pattern.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value.slice(0, 80)}' at '${field}' failed to satisfy constraint: ${describe}`,
    );
  }
  return value;
}

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>`, or a hub caller's ARN. */
export function callerArn(accounts: AccountRegistry, caller: StsCaller): string {
  if (caller.session) {
    const { accountId, roleName, sessionName } = caller.session;
    return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
  }
  // A function signs as its deployed name: in AWS that is a role session of the function's role.
  const name = caller.accessKeyId ?? 'anonymous';
  return `arn:aws:sts::${accounts.hub.id}:assumed-role/${name}/${name}`;
}

/** IAM's unique role id (`AROA…`), stable per account and role name. */
function roleId(accountId: string, roleName: string): string {
  const digest = createHash('sha256').update(`${accountId}/${roleName}`).digest('hex').toUpperCase();
  return `AROA${digest.slice(0, 17)}`;
}

function assumeRole(request: StsRequest): Record<string, unknown> {
  const { accounts, params, caller } = request;
  const roleArn = params.get('RoleArn') ?? undefined;
  if (roleArn === undefined) validated('roleArn', undefined, ROLE_ARN, '');
  const sessionName = validated(
    'roleSessionName',
    params.get('RoleSessionName') ?? undefined,
    SESSION_NAME,
    'Member must satisfy regular expression pattern: [\\w+=,.@-]* and length between 2 and 64',
  );
  const externalIdParam = params.get('ExternalId') ?? undefined;
  const externalId =
    externalIdParam === undefined
      ? undefined
      : validated(
          'externalId',
          externalIdParam,
          EXTERNAL_ID,
          'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and length between 2 and 1224',
        );
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > MAX_DURATION) {
    throw validation(
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_DURATION} and ${MAX_DURATION}`,
    );
  }
  const who = callerArn(accounts, caller);
  const denied = () =>
    new StsError(
      'AccessDenied',
      `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  const match = ROLE_ARN.exec(roleArn ?? '');
  if (!match) throw validation(`${roleArn} is invalid`);
  const [, accountId, roleName] = match as unknown as [string, string, string];
  // The caller's own policy first: IAM needs both sides to allow a cross-account assume.
  const callerKey = caller.accessKeyId ?? '';
  if (request.authorize && !caller.session && !request.authorize(callerKey, 'sts:AssumeRole', roleArn!)) {
    throw denied();
  }
  const role = accounts.get(accountId)?.roles.get(roleName);
  if (role?.state !== 'present') throw denied();
  // Trusted: a hub caller the trust names (`*`: every hub caller). A session of another role is
  // named `<account>:<role>` (role chaining), and only an explicit entry trusts it.
  const principal = caller.session ? `${caller.session.accountId}:${caller.session.roleName}` : callerKey;
  const trusted = role.trusted === '*' ? !caller.session : role.trusted.includes(principal);
  if (!trusted) throw denied();
  if (role.externalId !== undefined && externalId !== role.externalId) throw denied();
  if (duration > role.maxSessionSeconds) {
    throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const now = accounts.clock.now();
  const session = accounts.sessions.issue(
    { accountId, roleName, sessionName, assumedBy: callerKey, expiresAt: now + duration * 1000 },
    now,
  );
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      // STS writes whole seconds: 2026-01-01T12:00:00Z.
      Expiration: new Date(session.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${roleId(accountId, roleName)}:${sessionName}`,
      Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    },
    PackedPolicySize: undefined,
  };
}

function getCallerIdentity(request: StsRequest): Record<string, unknown> {
  const { accounts, caller } = request;
  const account = caller.session ? caller.session.accountId : accounts.hub.id;
  const userId = caller.session
    ? `${roleId(caller.session.accountId, caller.session.roleName)}:${caller.session.sessionName}`
    : `AROA${createHash('sha256')
        .update(caller.accessKeyId ?? '')
        .digest('hex')
        .slice(0, 17)
        .toUpperCase()}:${caller.accessKeyId ?? ''}`;
  return { UserId: userId, Account: account, Arn: callerArn(accounts, caller) };
}

const ACTIONS: Record<string, (request: StsRequest) => Record<string, unknown>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};

function members(value: Record<string, unknown>): string {
  let out = '';
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue;
    out +=
      typeof member === 'object'
        ? `<${key}>${members(member as Record<string, unknown>)}</${key}>`
        : `<${key}>${escapeXml(String(member))}</${key}>`;
  }
  return out;
}

/** Answers one STS request: the status and the XML body. */
export function handleSts(request: StsRequest): { status: number; body: string } {
  const action = request.params.get('Action') ?? '';
  try {
    const run = ACTIONS[action];
    if (!run)
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action.slice(0, 64)} for version ${STS_VERSION}`,
        400,
      );
    const result = run(request);
    return {
      status: 200,
      body:
        `${DECLARATION}<${action}Response xmlns="${NAMESPACE}"><${action}Result>${members(result)}</${action}Result>` +
        `<ResponseMetadata><RequestId>${request.requestId}</RequestId></ResponseMetadata></${action}Response>`,
    };
  } catch (error) {
    if (!(error instanceof StsError)) throw error;
    return { status: error.status, body: stsErrorXml(error, request.requestId) };
  }
}

export function stsErrorXml(error: StsError, requestId: string): string {
  return (
    `${DECLARATION}<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** STS's answer to a request signed with credentials past their expiry. */
export const expiredToken = () =>
  new StsError('ExpiredToken', 'The security token included in the request is expired', 403);
/** STS's answer to credentials it never issued. */
export const invalidClientTokenId = () =>
  new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
