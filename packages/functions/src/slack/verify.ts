import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Checks a Function URL request before Bolt sees it. Bolt's AwsLambdaReceiver verifies the v0
 * signature and refuses timestamps older than 5 minutes, but accepts timestamps in the future,
 * decodes base64 bodies as ASCII (breaking non-ASCII text), and parses any content type. This
 * refuses, with a 4xx and before any parsing:
 *  - anything but POST (405) or a body over `maxBodyBytes` (413),
 *  - a content type other than Slack's `application/x-www-form-urlencoded` (415),
 *  - a missing or malformed signature or timestamp, a timestamp more than 5 minutes away from
 *    now in either direction, or a signature that does not match (401; constant-time compare).
 * It returns the event normalised for Bolt: body decoded as UTF-8 text, exact content type.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_SKEW_SECONDS = 5 * 60;

export type Verified =
  | { ok: true; event: APIGatewayProxyEventV2 }
  | { ok: false; response: APIGatewayProxyStructuredResultV2; reason: string };

export function verifySlackRequest(
  event: APIGatewayProxyEventV2,
  signingSecret: string,
  nowMs: number,
  maxBodyBytes = MAX_BODY_BYTES,
): Verified {
  const refuse = (statusCode: number, reason: string): Verified => ({
    ok: false,
    reason,
    response: { statusCode, headers: { 'content-type': 'text/plain' }, body: reason },
  });
  const method = event.requestContext?.http?.method ?? 'POST';
  if (method !== 'POST') return refuse(405, 'method not allowed');
  const raw = event.body ?? '';
  // Cheap bound before decoding: base64 is 4/3 of the bytes.
  if (raw.length > (event.isBase64Encoded ? Math.ceil((maxBodyBytes * 4) / 3) + 4 : maxBodyBytes * 4)) {
    return refuse(413, 'body too large');
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBodyBytes) return refuse(413, 'body too large');

  const headers = lowerCaseHeaders(event.headers);
  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return refuse(415, 'unsupported content type');

  const signature = headers['x-slack-signature'];
  const timestampText = headers['x-slack-request-timestamp'];
  if (!signature || !timestampText) return refuse(401, 'missing signature');
  if (!/^\d{1,12}$/.test(timestampText)) return refuse(401, 'bad timestamp');
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > MAX_SKEW_SECONDS)
    return refuse(401, 'stale or future timestamp');
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return refuse(401, 'bad signature');

  const expected = createHmac('sha256', signingSecret).update(`v0:${timestampText}:`).update(bytes).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refuse(401, 'bad signature');

  return {
    ok: true,
    event: {
      ...event,
      body: bytes.toString('utf8'),
      isBase64Encoded: false,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    },
  };
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[key.toLowerCase()] = value;
  return out;
}
