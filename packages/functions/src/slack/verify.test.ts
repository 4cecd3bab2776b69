import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { verifySlackRequest } from './verify';

const secret = 'shh';
const now = 1_800_000_000_000;
const ts = String(now / 1000);

function event(
  body: string,
  overrides: { headers?: Record<string, string>; base64?: boolean; method?: string } = {},
): APIGatewayProxyEventV2 {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Slack-Request-Timestamp': ts,
      'X-Slack-Signature': signature,
      ...overrides.headers,
    },
    requestContext: {
      http: { method: overrides.method ?? 'POST' },
    } as APIGatewayProxyEventV2['requestContext'],
    body: overrides.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: overrides.base64 ?? false,
  };
}

const status = (e: APIGatewayProxyEventV2, at = now, max?: number) => {
  const result = verifySlackRequest(e, secret, at, max);
  return result.ok ? 200 : result.response.statusCode;
};

describe('verifySlackRequest', () => {
  it('accepts a signed form and hands Bolt the decoded UTF-8 body with the bare content type', () => {
    const result = verifySlackRequest(event('text=d%C3%A9j%C3%A0&x=é', { base64: true }), secret, now);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event.body).toBe('text=d%C3%A9j%C3%A0&x=é');
      expect(result.event.isBase64Encoded).toBe(false);
      expect(result.event.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
  });
  it('refuses timestamps more than 5 minutes off in either direction', () => {
    expect(status(event('a=1'), now + 301_000)).toBe(401);
    expect(status(event('a=1'), now - 301_000)).toBe(401);
    expect(status(event('a=1'), now + 299_000)).toBe(200);
  });
  it('refuses a non-numeric timestamp and a malformed signature', () => {
    expect(status(event('a=1', { headers: { 'X-Slack-Request-Timestamp': '1e9' } }))).toBe(401);
    expect(status(event('a=1', { headers: { 'X-Slack-Signature': 'v0=abc' } }))).toBe(401);
  });
  it('refuses bodies over the limit with 413 before checking anything else', () => {
    expect(status(event('a='.padEnd(2000, 'x')), now, 1000)).toBe(413);
  });
  it('refuses JSON and other content types with 415', () => {
    expect(status(event('{}', { headers: { 'Content-Type': 'application/json' } }))).toBe(415);
  });
  it('refuses other methods with 405', () => {
    expect(status(event('a=1', { method: 'GET' }))).toBe(405);
  });
});
