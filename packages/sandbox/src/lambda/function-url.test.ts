import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type FunctionUrlServer, startFunctionUrl } from './function-url';

let server: FunctionUrlServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Function URL front', () => {
  it('turns an HTTP request into a payload 2.0 event, base64-encoding form bodies as AWS does', async () => {
    const seen: APIGatewayProxyEventV2[] = [];
    server = await startFunctionUrl(async (event) => {
      seen.push(event);
      return { statusCode: 201, headers: { 'X-Thing': 'yes' }, body: 'made' };
    });
    const res = await fetch(`${server.url}/slack/events?a=1&a=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Signature': 'v0=1' },
      body: 'text=é',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-thing')).toBe('yes');
    expect(await res.text()).toBe('made');
    const event = seen[0]!;
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/slack/events',
      rawQueryString: 'a=1&a=2',
      isBase64Encoded: true,
      queryStringParameters: { a: '1,2' },
    });
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.headers['x-slack-signature']).toBe('v0=1');
    expect(Buffer.from(event.body!, 'base64').toString('utf8')).toBe('text=é');
  });
  it('passes JSON bodies as text and sends a plain object result as 200 JSON', async () => {
    let body: string | undefined;
    server = await startFunctionUrl(async (event) => {
      body = event.body;
      return { ok: true } as never;
    });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    expect(body).toBe('{"x":1}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
  it('answers 413 over the size limit without invoking, and 502 when the handler throws', async () => {
    let calls = 0;
    server = await startFunctionUrl(
      async () => {
        calls++;
        throw new Error('boom');
      },
      { maxBodyBytes: 100 },
    );
    expect((await fetch(server.url, { method: 'POST', body: 'x'.repeat(101) })).status).toBe(413);
    expect(calls).toBe(0);
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(502);
  });
});
