import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackEmulator, type SlackEmulatorCore } from '../../src/slack/emulator';
import { createSqsHandler } from '../../src/sqs/api';
import { SqsHub } from '../../src/sqs/emulator';

/** The sandbox's shape: Slack and SQS emulators mounted on one server, beside other routes. */
let server: Server;
let origin: string;
let slack: SlackEmulatorCore;
let sqs: SqsHub;

beforeAll(async () => {
  slack = createSlackEmulator({ basePath: '/slack-api' });
  sqs = new SqsHub({ queues: [{ name: 'work', visibilityTimeoutSeconds: 0.05 }] });
  const sqsHandle = createSqsHandler(sqs.service);
  server = createServer(async (req, res) => {
    if (await sqsHandle(req, res)) return;
    if (await slack.handle(req, res)) return;
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  slack.setOrigin(origin);
  sqs.service.baseUrl = origin;
});
afterAll(async () => {
  await sqs.close();
  slack.endStreams();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('emulators mounted on a shared server', () => {
  it('serves the Web API and response URLs under the base path', async () => {
    expect(slack.apiUrl()).toBe(`${origin}/slack-api/api/`);
    const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl(), retryConfig: { retries: 0 } });
    const posted = await web.chat.postMessage({ channel: 'C0EC2OPS', text: 'mounted' });
    expect(posted.ok).toBe(true);
    const minted = slack.mintResponseUrl({ user: 'UADMIN', channel: 'C0EC2OPS' });
    expect(minted.url.startsWith(`${origin}/slack-api/_responses/`)).toBe(true);
    const reply = await fetch(minted.url, { method: 'POST', body: JSON.stringify({ text: 'hi' }) });
    expect(reply.status).toBe(200);
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
  });

  it('answers SQS calls on the same origin and delivers them', async () => {
    const bodies: string[] = [];
    sqs.consume('work', (event) => {
      for (const r of event.Records) bodies.push(r.body);
    });
    const client = new SQSClient({
      endpoint: origin,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    await client.send(
      new SendMessageCommand({ QueueUrl: sqs.queueUrl('work'), MessageBody: 'via shared port' }),
    );
    client.destroy();
    await sqs.drain();
    expect(bodies).toEqual(['via shared port']);
    expect(sqs.queueUrl('work')).toBe(`${origin}/000000000000/work`);
  });
});
