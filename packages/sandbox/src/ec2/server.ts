import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import './actions';
import '../accounts/control-routes';
import './control-routes';
// Registers the --faults factory and the /_emulator/faults and /_emulator/stats endpoints.
import './faults';
import { AccountRegistry, type MemberAccountInput } from '../accounts/registry';
import { AUTO_SCALING_VERSION, handleAutoScaling } from '../autoscaling/api';
import { refuseCrossSite } from '../cross-site';
import type { RequestContext } from '../iam/context';
import { evaluate, type IamRequest } from '../iam/evaluate';
import type { IamPolicy } from '../iam/policy';
import { handleOrganizations, isOrganizationsRequest } from '../organizations/api';
import { expiredToken, handleSts, invalidClientTokenId, STS_VERSION, stsErrorXml } from '../sts/api';
import type { Clock } from './clock';
import { ControlError, matchControlRoute } from './control';
import type { Authorizer } from './dry-run';
import { Ec2ApiError, internalError, isEc2ApiError, missingParameter } from './errors';
import { createFaultsInterceptor, type Interceptor } from './interceptors';
import { attachStateFile, type StateFile } from './persistence';
import { parseQuery } from './query';
import { handleRecycleBin, isRecycleBinPath, RecycleBinError, readJson, sendRecycleBin } from './rbin-api';
import { invoke } from './registry';
import { notifyResponse } from './response-observers';
import { recordRequest } from './stats';
import { type Delays, Ec2Store } from './store';
import { actionResponseXml, errorResponseXml } from './xml';

export interface Ec2EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Persist state to this JSON file (loaded at start, written after changes). */
  stateFile?: string;
  /** A fault-injection spec, handed to the registered faults factory (see ./interceptors). */
  faults?: string;
  accountId?: string;
  clock?: Clock;
  /** Transition delays in ms; tests make them short so waiters finish fast. */
  delays?: Partial<Delays>;
  /** Largest request body accepted, in bytes (EC2-style error beyond it). */
  maxBodyBytes?: number;
  authorize?: Authorizer;
  interceptors?: Interceptor[];
  /** Member accounts served besides the hub (`accountId`); STS AssumeRole reaches them. */
  accounts?: MemberAccountInput[];
  /**
   * The caller's own IAM policy for STS and Organizations calls (`sts:AssumeRole` on a role ARN,
   * `organizations:ListAccounts` …); the IAM enforcer's `allows`. Absent: every caller may.
   */
  authorizeCall?: (caller: string, action: string, resource: string, context?: RequestContext) => boolean;
  /** Where unexpected errors are reported; stderr by default. */
  log?: (line: string) => void;
}

export interface Ec2Emulator {
  url: string;
  port: number;
  /** The hub account's state (the only one unless member accounts were added). */
  store: Ec2Store;
  /** Every account this emulator serves, the hub first; STS sessions and member roles live here. */
  accounts: AccountRegistry;
  close(): Promise<void>;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Beyond this we stop draining an oversized body and drop the connection. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

/** The region of a SigV4 request: `Credential=AKID/20240101/eu-west-1/ec2/aws4_request`. */
export function regionFromRequest(authorization: string | undefined, query: URLSearchParams): string {
  const region = credentialOf(authorization, query)?.split('/')[2];
  return region && REGION_PATTERN.test(region) ? region : DEFAULT_REGION;
}

/** The access key id of a SigV4 request (the IAM hook names the caller by it). */
export function accessKeyFromRequest(
  authorization: string | undefined,
  query: URLSearchParams,
): string | undefined {
  return credentialOf(authorization, query)?.split('/')[0] || undefined;
}

/** The session token a request carries (`X-Amz-Security-Token`), for STS-issued credentials. */
export function sessionTokenFromRequest(
  request: IncomingMessage,
  query: URLSearchParams,
): string | undefined {
  const header = request.headers['x-amz-security-token'];
  return (Array.isArray(header) ? header[0] : header) ?? query.get('X-Amz-Security-Token') ?? undefined;
}

function credentialOf(authorization: string | undefined, query: URLSearchParams): string | undefined {
  return /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1] ?? query.get('X-Amz-Credential') ?? undefined;
}

class BodyTooLarge extends Error {}

function allowedBy(policy: IamPolicy | '*', request: IamRequest): boolean {
  return policy === '*' || evaluate(policy, request).decision === 'Allow';
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep draining (discarding) so the client can read our answer, up to a hard cap.
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () =>
      tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    server: 'AmazonEC2',
  });
  response.end(body);
}

export async function startEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const store = new Ec2Store({ accountId: options.accountId, clock: options.clock, delays: options.delays });
  const accounts = new AccountRegistry(store);
  for (const member of options.accounts ?? []) accounts.addMember(member);
  const stateFile: StateFile | undefined = options.stateFile
    ? attachStateFile(accounts, options.stateFile)
    : undefined;
  const interceptors = [...(options.interceptors ?? [])];
  // Always installed (idle without a spec) so /_emulator/faults can turn faults on at run time.
  interceptors.push(createFaultsInterceptor(options.faults ?? ''));
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const sendError = (response: ServerResponse, error: Ec2ApiError, requestId: string): void => {
    send(
      response,
      error.status,
      'text/xml;charset=UTF-8',
      errorResponseXml(error.code, error.message, requestId),
    );
  };

  async function handleControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const json = (status: number, value: unknown) =>
      send(response, status, 'application/json', `${JSON.stringify(value ?? null)}\n`);
    try {
      const match = matchControlRoute(request.method ?? 'GET', url.pathname);
      if (match === undefined) return json(404, { error: `no such control endpoint: ${url.pathname}` });
      if (match === 'method-not-allowed')
        return json(405, { error: `method not allowed: ${request.method}` });
      const crossSite = refuseCrossSite(request);
      if (crossSite) return json(crossSite.status, { error: crossSite.error });
      const text = await readBody(request, maxBody);
      let body: unknown = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          return json(400, { error: 'the body must be JSON' });
        }
      }
      // `?account=<id|alias>` steers one account; without it, the hub (as with one account).
      const named = url.searchParams.get('account');
      const target = named === null ? accounts.hub : accounts.find(named);
      if (!target) return json(404, { error: `no such account: ${named}` });
      json(
        200,
        await match.handler({
          method: request.method ?? 'GET',
          params: match.params,
          query: url.searchParams,
          body,
          store: target.store,
          accounts,
          accountNamed: named !== null,
        }),
      );
    } catch (error) {
      if (error instanceof ControlError) return json(error.status, { error: error.message });
      if (error instanceof BodyTooLarge) return json(413, { error: 'request body too large' });
      log(`ec2 emulator: control ${url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      json(500, { error: 'internal error' });
    }
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    let action: string | undefined;
    // The account the request acts in: the hub until its credentials say otherwise.
    let target = store;
    try {
      let body = '';
      try {
        body = request.method === 'POST' ? await readBody(request, maxBody) : '';
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new Ec2ApiError(
            'RequestEntityTooLarge',
            `The request body exceeds the limit of ${maxBody} bytes.`,
            413,
          );
        }
        throw error;
      }
      if (request.method !== 'POST' && request.method !== 'GET') {
        throw new Ec2ApiError(
          'InvalidHttpRequest',
          `The HTTP method ${request.method} is not supported.`,
          405,
        );
      }
      // EC2 accepts parameters in the query string as well as in a form-encoded body.
      const query = url.search.length > 1 ? url.search.slice(1) : '';
      const form = query && body ? `${query}&${body}` : query || body;
      const accessKeyId = accessKeyFromRequest(request.headers.authorization, url.searchParams);
      const caller = accounts.resolve(accessKeyId, sessionTokenFromRequest(request, url.searchParams));
      // STS shares EC2's query protocol; its API version tells its requests apart (looked for in
      // the raw form first, so EC2 requests are not parsed twice).
      const stsForm = form.includes(STS_VERSION) ? new URLSearchParams(form) : undefined;
      if (stsForm?.get('Version') === STS_VERSION) {
        const answer =
          caller.kind === 'expired'
            ? { status: 403, body: stsErrorXml(expiredToken(), requestId) }
            : caller.kind === 'unknown-session'
              ? { status: 403, body: stsErrorXml(invalidClientTokenId(), requestId) }
              : handleSts({
                  accounts,
                  params: stsForm,
                  caller: { accessKeyId, session: caller.session },
                  requestId,
                  authorize: options.authorizeCall,
                });
        return send(response, answer.status, 'text/xml', answer.body);
      }
      const autoScalingForm = form.includes(AUTO_SCALING_VERSION) ? new URLSearchParams(form) : undefined;
      if (autoScalingForm?.get('Version') === AUTO_SCALING_VERSION && caller.kind === 'account') {
        const session = caller.session;
        const check = options.authorizeCall;
        const region = regionFromRequest(request.headers.authorization, url.searchParams);
        const context = { 'aws:RequestedRegion': region };
        const answer = handleAutoScaling({
          store: caller.account.store,
          region,
          params: autoScalingForm,
          requestId,
          // Enforced with the rest of IAM: a member-role session by its role's policy, a function by its own.
          authorize: check
            ? (call, resource) =>
                session
                  ? allowedBy(accounts.sessionPolicy(session), { action: call, resource, context })
                  : accessKeyId !== undefined && check(accessKeyId, call, resource, context)
            : undefined,
        });
        return send(response, answer.status, 'text/xml', answer.body);
      }
      const params = parseQuery(form);
      action = params.string('Action');
      if (!action) throw missingParameter('Action');
      if (caller.kind === 'expired') throw new Ec2ApiError('RequestExpired', 'Request has expired.', 400);
      if (caller.kind === 'unknown-session') {
        throw new Ec2ApiError(
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
          401,
        );
      }
      target = caller.account.store;
      const region = regionFromRequest(request.headers.authorization, url.searchParams);
      const session = caller.session
        ? { ...caller.session, policy: accounts.sessionPolicy(caller.session) }
        : undefined;
      for (const intercept of interceptors)
        await intercept({ action, region, requestId, store: target, params, accessKeyId, session, accounts });
      const result = invoke({
        store: target,
        action,
        params,
        region,
        requestId,
        authorize: options.authorize,
      });
      const xml = actionResponseXml(action, requestId, result);
      send(response, 200, 'text/xml;charset=UTF-8', xml);
      notifyResponse(action, xml);
      recordRequest(target, action);
    } catch (error) {
      const answer = isEc2ApiError(error) ? error : internalError();
      if (!isEc2ApiError(error)) {
        log(`ec2 emulator: request ${requestId} failed: ${(error as Error)?.stack ?? String(error)}`);
      }
      sendError(response, answer, requestId);
      if (action) recordRequest(target, action, answer);
    }
  }

  async function handleRecycleBinRequest(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> {
    try {
      const body = await readJson(request, maxBody);
      const region = regionFromRequest(request.headers.authorization, url.searchParams);
      const caller = accounts.resolve(
        accessKeyFromRequest(request.headers.authorization, url.searchParams),
        sessionTokenFromRequest(request, url.searchParams),
      );
      if (caller.kind !== 'account') {
        throw caller.kind === 'expired'
          ? new RecycleBinError(
              'ExpiredTokenException',
              'The security token included in the request is expired',
              403,
            )
          : new RecycleBinError(
              'UnrecognizedClientException',
              'The security token included in the request is invalid.',
              403,
            );
      }
      const answer = handleRecycleBin(
        caller.account.store,
        region,
        request.method ?? 'GET',
        url.pathname,
        body,
      );
      sendRecycleBin(response, answer.status, answer.body);
    } catch (error) {
      if (!(error instanceof RecycleBinError)) throw error;
      sendRecycleBin(response, error.status, { message: error.message, Reason: error.reason }, error.code);
    }
  }

  const server = createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://emulator.invalid');
    } catch {
      url = new URL('http://emulator.invalid/');
    }
    const work = url.pathname.startsWith('/_emulator/')
      ? handleControl(request, response, url)
      : isOrganizationsRequest(request)
        ? handleOrganizations(request, response, {
            accounts,
            maxBody,
            authorize: options.authorizeCall,
            accessKeyId: accessKeyFromRequest(request.headers.authorization, url.searchParams),
            caller: accounts.resolve(
              accessKeyFromRequest(request.headers.authorization, url.searchParams),
              sessionTokenFromRequest(request, url.searchParams),
            ),
          })
        : isRecycleBinPath(url.pathname)
          ? handleRecycleBinRequest(request, response, url)
          : handleApi(request, response, url);
    work.catch((error: unknown) => {
      log(`ec2 emulator: unhandled ${(error as Error)?.stack ?? String(error)}`);
      if (!response.headersSent) sendError(response, internalError(), randomUUID());
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store,
    accounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          stateFile?.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
