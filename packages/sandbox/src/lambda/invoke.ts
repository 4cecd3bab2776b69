import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBytes, sendJson } from '../slack/http';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`), as @aws-sdk/client-lambda
 * calls it, for the functions the sandbox runs in-process. `X-Amz-Invocation-Type: Event` answers
 * 202 at once and runs the function afterwards, as Lambda queues an asynchronous invocation;
 * RequestResponse answers with the function's result. A name it does not serve gets Lambda's
 * ResourceNotFoundException.
 */
export type InvokeTarget = (event: unknown) => Promise<unknown>;

export interface LambdaInvokeEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Resolves when every asynchronous invocation started so far has finished (failed ones too). */
  idle(): Promise<void>;
  /** Asynchronous invocations that threw, with their error: Lambda would retry, then drop them. */
  failures: { functionName: string; error: unknown }[];
}

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

function lambdaError(res: ServerResponse, status: number, type: string, message: string): void {
  res.setHeader('x-amzn-errortype', type);
  sendJson(res, status, { Type: 'User', message });
}

export function lambdaInvokeEndpoint(functions: Record<string, InvokeTarget>): LambdaInvokeEndpoint {
  const running = new Set<Promise<void>>();
  const failures: LambdaInvokeEndpoint['failures'] = [];
  return {
    failures,
    async idle() {
      while (running.size) await Promise.all(running);
    },
    async handle(req, res) {
      const match = ROUTE.exec((req.url ?? '/').split('?')[0] ?? '');
      if (!match || req.method !== 'POST') return false;
      // An ARN or a plain name: Lambda accepts both; the sandbox's functions are known by name.
      const name = decodeURIComponent(match[1]!).split(':function:').pop()!.split(':')[0]!;
      const target = Object.hasOwn(functions, name) ? functions[name] : undefined;
      if (!target) {
        lambdaError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
        return true;
      }
      const raw = (await readBytes(req)).toString('utf8');
      let event: unknown;
      try {
        event = raw ? JSON.parse(raw) : {};
      } catch {
        lambdaError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
        return true;
      }
      if (req.headers['x-amz-invocation-type'] === 'Event') {
        res.writeHead(202).end();
        const run = target(event).then(
          () => undefined,
          (error: unknown) => void failures.push({ functionName: name, error }),
        );
        running.add(run);
        void run.finally(() => running.delete(run));
        return true;
      }
      sendJson(res, 200, (await target(event)) ?? null);
      return true;
    },
  };
}

/** The endpoint on a loopback server of its own (tests; the sandbox mounts `handle` on its port). */
export async function startLambdaInvoke(
  functions: Record<string, InvokeTarget>,
): Promise<LambdaInvokeEndpoint & { url: string; close(): Promise<void> }> {
  const endpoint = lambdaInvokeEndpoint(functions);
  const server = createServer((req, res) => {
    endpoint.handle(req, res).then(
      (handled) => {
        if (!handled) lambdaError(res, 404, 'UnknownOperationException', 'Unknown operation');
      },
      (error: unknown) => {
        if (!res.headersSent) lambdaError(res, 500, 'ServiceException', String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...endpoint,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await endpoint.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
