import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type RecycleResourceType,
  type RecycleRuleRecord,
  recycleRules,
  ruleMatches,
} from './actions/recycle-bin-model';
import type { Ec2Store } from './store';

/**
 * The Recycle Bin (`rbin`, REST-JSON) API, served beside EC2 on the same port so its rules and
 * EC2's deletions share one state: point `AWS_ENDPOINT_URL_RBIN` at the emulator. Paths and
 * members follow botocore's rbin 2021-06-15 model. Rule locks and rule tags are not emulated.
 */
export class RecycleBinError extends Error {
  constructor(
    readonly code:
      | 'ValidationException'
      | 'ResourceNotFoundException'
      | 'ServiceQuotaExceededException'
      | 'ExpiredTokenException'
      | 'UnrecognizedClientException',
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) =>
  new RecycleBinError('ValidationException', message, 400, 'INVALID_PARAMETER_VALUE');

const RESOURCE_TYPES: readonly RecycleResourceType[] = ['EC2_IMAGE', 'EBS_SNAPSHOT'];
const RULE_PATH = /^\/rules\/([^/]+)$/;
const MAX_RULES_PER_REGION = 250;

export function isRecycleBinPath(pathname: string): boolean {
  return pathname === '/rules' || pathname === '/list-rules' || RULE_PATH.test(pathname);
}

interface RequestBody {
  ResourceType?: unknown;
  RetentionPeriod?: { RetentionPeriodValue?: unknown; RetentionPeriodUnit?: unknown };
  Description?: unknown;
  ResourceTags?: unknown;
  MaxResults?: unknown;
  NextToken?: unknown;
}

function resourceType(value: unknown): RecycleResourceType {
  if (!RESOURCE_TYPES.includes(value as RecycleResourceType)) {
    throw invalid(`ResourceType must be one of ${RESOURCE_TYPES.join(', ')}`);
  }
  return value as RecycleResourceType;
}

function resourceTags(value: unknown): { key: string; value?: string }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50)
    throw invalid('ResourceTags must be a list of at most 50 tags');
  return value.map((tag: { ResourceTagKey?: unknown; ResourceTagValue?: unknown }) => {
    const key = tag?.ResourceTagKey;
    const tagValue = tag?.ResourceTagValue;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      throw invalid('ResourceTagKey is required (1-128 characters)');
    if (tagValue !== undefined && (typeof tagValue !== 'string' || tagValue.length > 256)) {
      throw invalid('ResourceTagValue must be at most 256 characters');
    }
    return tagValue === undefined ? { key } : { key, value: tagValue };
  });
}

function ruleToWire(rule: RecycleRuleRecord): Record<string, unknown> {
  return {
    Identifier: rule.id,
    Description: rule.description,
    ResourceType: rule.resourceType,
    RetentionPeriod: { RetentionPeriodValue: rule.retentionDays, RetentionPeriodUnit: 'DAYS' },
    ResourceTags: rule.resourceTags.map((t) => ({ ResourceTagKey: t.key, ResourceTagValue: t.value })),
    Status: 'available',
  };
}

function newRuleId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return [...randomBytes(11)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Answers one rbin request; `region` comes from the SigV4 scope, as for EC2. */
export function handleRecycleBin(
  store: Ec2Store,
  region: string,
  method: string,
  pathname: string,
  body: RequestBody,
): { status: number; body?: unknown } {
  const state = store.region(region);
  store.advance(state);
  const rules = recycleRules.in(state);
  const id = RULE_PATH.exec(pathname)?.[1];
  if (pathname === '/rules' && method === 'POST') {
    const type = resourceType(body.ResourceType);
    const days = body.RetentionPeriod?.RetentionPeriodValue;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
      throw invalid('RetentionPeriodValue must be an integer from 1 to 3650');
    }
    if (body.RetentionPeriod?.RetentionPeriodUnit !== 'DAYS')
      throw invalid('RetentionPeriodUnit must be DAYS');
    if (
      body.Description !== undefined &&
      (typeof body.Description !== 'string' || body.Description.length > 255)
    ) {
      throw invalid('Description must be at most 255 characters');
    }
    const tags = resourceTags(body.ResourceTags);
    if (rules.size >= MAX_RULES_PER_REGION) {
      throw new RecycleBinError(
        'ServiceQuotaExceededException',
        'Too many retention rules in this region',
        402,
      );
    }
    const rule: RecycleRuleRecord = {
      id: newRuleId(),
      resourceType: type,
      retentionDays: days,
      description: body.Description as string | undefined,
      resourceTags: tags,
      tags: [],
    };
    rules.set(rule.id, rule);
    store.markChanged();
    return { status: 201, body: ruleToWire(rule) };
  }
  if (pathname === '/list-rules' && method === 'POST') {
    const type = resourceType(body.ResourceType);
    const wanted = resourceTags(body.ResourceTags);
    const max = body.MaxResults === undefined ? 1000 : Number(body.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalid('MaxResults must be from 1 to 1000');
    const start = body.NextToken === undefined ? 0 : Number(body.NextToken);
    if (!Number.isInteger(start) || start < 0) {
      throw new RecycleBinError('ValidationException', 'Invalid NextToken', 400, 'INVALID_PAGE_TOKEN');
    }
    const matching = [...rules.values()].filter(
      (rule) =>
        rule.resourceType === type &&
        (wanted.length === 0 ||
          ruleMatches(
            rule,
            wanted.map((t) => ({ key: t.key, value: t.value ?? '' })),
          )),
    );
    const page = matching.slice(start, start + max);
    return {
      status: 200,
      body: {
        Rules: page.map((rule) => {
          const { Identifier, Description, RetentionPeriod } = ruleToWire(rule);
          return { Identifier, Description, RetentionPeriod };
        }),
        NextToken: start + max < matching.length ? String(start + max) : undefined,
      },
    };
  }
  if (id !== undefined && (method === 'GET' || method === 'DELETE')) {
    const rule = rules.get(id);
    if (!rule)
      throw new RecycleBinError('ResourceNotFoundException', `Rule ${id} not found`, 404, 'RULE_NOT_FOUND');
    if (method === 'GET') return { status: 200, body: ruleToWire(rule) };
    rules.delete(id);
    store.markChanged();
    return { status: 204 };
  }
  throw invalid(`${method} ${pathname} is not supported by the emulator`);
}

/** Writes an rbin answer or error the way the REST-JSON protocol expects. */
export function sendRecycleBin(
  response: ServerResponse,
  status: number,
  body: unknown,
  errorType?: string,
): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  response.writeHead(status, headers);
  response.end(body === undefined ? '' : JSON.stringify(body));
}

export async function readJson(request: IncomingMessage, limit: number): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw invalid('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as RequestBody;
  } catch {
    throw invalid('the body must be JSON');
  }
}
