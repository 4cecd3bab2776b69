import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../slack/http';
import {
  SchedulerApiError,
  SchedulerService,
  type SchedulerServiceOptions,
  type StoredSchedule,
} from './service';

/**
 * Scheduler's rest-json wire format for the operations ec2ops calls: POST/PUT/GET/DELETE
 * /schedules/{Name} (groupName in the body, or the query for GET and DELETE). Errors carry their
 * name in `x-amzn-errortype`, which the v3 SDK turns into its exception classes.
 */
export function createSchedulerHandler(
  service: SchedulerService,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://scheduler');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match) return false;
    const name = decodeURIComponent(match[1]!);
    try {
      const text = await readBody(req);
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const groupName = url.searchParams.get('groupName') ?? undefined;
      switch (req.method) {
        case 'POST':
          send(res, 200, { ScheduleArn: service.create(name, body).arn });
          return true;
        case 'PUT':
          send(res, 200, { ScheduleArn: service.update(name, body).arn });
          return true;
        case 'GET':
          send(res, 200, describe(service.get(name, groupName)));
          return true;
        case 'DELETE':
          service.delete(name, groupName);
          send(res, 200, {});
          return true;
        default:
          return false;
      }
    } catch (error) {
      if (error instanceof SchedulerApiError) {
        send(res, error.status, { Message: error.message }, error.code);
      } else if (error instanceof SyntaxError) {
        send(res, 400, { Message: 'The request body is not JSON.' }, 'ValidationException');
      } else throw error;
      return true;
    }
  };
}

/** GetSchedule's answer (epoch seconds, as the rest-json timestamps are). */
function describe(s: StoredSchedule): Record<string, unknown> {
  return {
    Arn: s.arn,
    Name: s.name,
    GroupName: s.group,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: s.actionAfterCompletion,
    State: s.state,
    Target: s.target,
    CreationDate: s.createdAt / 1000,
    LastModificationDate: s.lastModifiedAt / 1000,
  };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

export interface SchedulerEmulator {
  url: string;
  service: SchedulerService;
  close(): Promise<void>;
}

/** The Scheduler endpoint on its own port (tests; the sandbox mounts the handler on its front). */
export async function startSchedulerEmulator(
  options: SchedulerServiceOptions & { port?: number; host?: string },
): Promise<SchedulerEmulator> {
  const host = options.host ?? '127.0.0.1';
  const service = new SchedulerService(options);
  const handle = createSchedulerHandler(service);
  const server: Server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) send(res, 404, { Message: `No route ${req.method} ${req.url}` }, 'ValidationException');
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { Message: String(error) }, 'InternalServerException');
        else res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    service,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
