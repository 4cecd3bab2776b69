import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../slack/clock';
import { createSqsHandler } from './api';
import { type ConsumeOptions, type DeliveryRecord, type SqsConsumer, SqsPoller } from './delivery';
import type { StoredMessage } from './queue';
import { type QueueDefinition, SqsService } from './service';

const MAX_DELIVERY_LOG = 1_000;

export interface SqsEmulatorOptions {
  port?: number;
  host?: string;
  accountId?: string;
  region?: string;
  clock?: Clock;
  queues?: QueueDefinition[];
}

/**
 * Queues plus the Lambda-style delivery loops that drain them; the HTTP server is optional
 * (`SqsHub` without a server is what the sandbox mounts on its own port).
 */
export class SqsHub {
  readonly service: SqsService;
  private readonly pollers: SqsPoller[] = [];
  private readonly log: DeliveryRecord[] = [];
  private closed = false;

  constructor(options: Omit<SqsEmulatorOptions, 'port' | 'host'> = {}) {
    this.service = new SqsService({
      ...(options.accountId ? { accountId: options.accountId } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    for (const definition of options.queues ?? []) this.service.createQueue(definition);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  createQueue(definition: QueueDefinition): string {
    return this.service.urlOf(this.service.createQueue(definition).name);
  }

  queueUrl(name: string): string {
    return this.service.urlOf(this.service.queue(name).name);
  }

  /** Starts delivering `queue` to `consumer` as SQS events; returns the poller. */
  consume(queue: string, consumer: SqsConsumer, options: ConsumeOptions = {}): SqsPoller {
    if (this.closed) throw new Error('the SQS emulator is closed');
    const poller = new SqsPoller(this.service, this.service.queue(queue), consumer, options, (record) => {
      this.log.push(record);
      if (this.log.length > MAX_DELIVERY_LOG) this.log.splice(0, this.log.length - MAX_DELIVERY_LOG);
    });
    this.pollers.push(poller);
    poller.start();
    return poller;
  }

  /** Every invocation so far, oldest first: which messages, which receive count, what happened. */
  deliveries(queue?: string): DeliveryRecord[] {
    return this.log.filter((r) => !queue || r.queue === queue);
  }

  /** What is stored in a queue (a dead-letter queue, say), in and out of flight. */
  messages(queue: string): StoredMessage[] {
    return this.service.queue(queue).list();
  }

  send(queue: string, body: string): StoredMessage {
    return this.service.send(queue, body);
  }

  injectDuplicate(queue: string, messageId: string): StoredMessage {
    return this.service.injectDuplicate(queue, messageId);
  }

  /**
   * Resolves once every consumed queue is empty and no invocation runs: nothing in flight,
   * nothing waiting for its visibility timeout. Rejects after `timeoutMs` saying what is left.
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let quietChecks = 0;
    while (true) {
      const busy = this.pollers.filter((p) => p.busy || p.queue.counts().total > 0);
      // Two quiet looks in a row: a consumer that just finished may have sent follow-up messages.
      quietChecks = busy.length === 0 ? quietChecks + 1 : 0;
      if (quietChecks >= 2) return;
      if (Date.now() > deadline) {
        const left = busy.map(
          (p) => `${p.queue.name}: ${JSON.stringify(p.queue.counts())}${p.busy ? ' (invoking)' : ''}`,
        );
        throw new Error(`SQS did not drain in time; ${left.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  idle(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.drain(options);
  }

  /** Stops every delivery loop, waiting for running invocations at most `graceMs`. */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    this.closed = true;
    await Promise.all(this.pollers.map((p) => p.stop(options.graceMs)));
  }
}

export interface SqsEmulator extends SqsHub {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint` / `AWS_ENDPOINT_URL_SQS`. */
  url: string;
  port: number;
}

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const hub = new SqsHub(options);
  const handle = createSqsHandler(hub.service, { closed: () => hub.isClosed });
  const server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (handled) return;
        const text = JSON.stringify({
          __type: 'com.amazon.coral.service#UnknownOperationException',
          message: 'Missing or unknown X-Amz-Target header',
        });
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-query-error': 'InvalidAction;Sender',
        });
        res.end(text);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: String(error) }));
        } else res.destroy();
      });
  });
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${port}`;
  hub.service.baseUrl = url;
  const closeHub = hub.close.bind(hub);
  return Object.assign(hub, {
    url,
    port,
    close: async (options: { graceMs?: number } = {}) => {
      await closeHub(options);
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use`) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
