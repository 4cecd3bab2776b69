import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SqsError, sqsErrors } from './errors';
import type { SqsService } from './service';

const TARGET_PREFIX = 'AmazonSQS.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** A little over SQS's 1 MiB batch limit, so the service can say BatchRequestTooLong itself. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/**
 * The AWS JSON 1.0 protocol that `@aws-sdk/client-sqs` v3 speaks: `POST` with
 * `X-Amz-Target: AmazonSQS.<Operation>` and a JSON body. Returns false for requests that are not
 * SQS calls, so it can share a server with other handlers.
 */
export function isSqsRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

export function createSqsHandler(service: SqsService, options: { closed?: () => boolean } = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!isSqsRequest(req)) return false;
    const requestId = randomUUID();
    try {
      if (req.method !== 'POST') throw sqsErrors.unknownOperation(String(req.method));
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (contentType !== CONTENT_TYPE) {
        throw sqsErrors.serialization(`Content-Type must be ${CONTENT_TYPE}, got ${contentType || 'none'}`);
      }
      if (!req.headers.authorization) throw sqsErrors.missingAuthentication();
      const raw = await readLimited(req);
      let input: unknown;
      try {
        input = raw === '' ? {} : JSON.parse(raw);
      } catch {
        throw sqsErrors.serialization('Start of structure or map found where not expected.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw sqsErrors.serialization('The request body must be a JSON object.');
      }
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      const body = input as Record<string, unknown>;
      if (operation === 'ReceiveMessage') await longPoll(service, body, options.closed ?? (() => false));
      const output = service.call(operation, body);
      send(res, 200, requestId, output);
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      send(res, error.status, requestId, { __type: error.wireType, message: error.message }, error);
    }
    return true;
  };
}

/** WaitTimeSeconds: wait (bounded, 0–20 s) until a message is visible before receiving. */
async function longPoll(
  service: SqsService,
  input: Record<string, unknown>,
  closed: () => boolean,
): Promise<void> {
  const wait = input['WaitTimeSeconds'];
  if (wait === undefined || wait === 0) return;
  if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > 20) {
    throw sqsErrors.invalidParameterValue(
      `Value ${String(wait)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
    );
  }
  const deadline = Date.now() + wait * 1000;
  while (!closed() && Date.now() < deadline && !service.hasVisible(input['QueueUrl'])) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function send(res: ServerResponse, status: number, requestId: string, body: unknown, error?: SqsError): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(error
      ? { 'x-amzn-query-error': `${error.queryCode};${error.senderFault ? 'Sender' : 'Receiver'}` }
      : {}),
  });
  res.end(text);
}

async function readLimited(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw sqsErrors.batchTooLong(size);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
