import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The sandbox port's server. It listens before everything behind it is wired (so a busy port
 * fails fast) and answers 404 until `setRoute` is called; errors become a 500 and a log line.
 */
export function createFront(log: (line: string) => void): { server: Server; setRoute(route: Route): void } {
  let route: Route = async () => false;
  const server = createServer((req, res) => {
    route(req, res)
      .then((handled) => {
        if (!handled && !res.headersSent) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `nothing here: ${req.method} ${req.url}` }));
        }
      })
      .catch((error: unknown) => {
        log(`sandbox: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal error' }));
      });
  });
  return {
    server,
    setRoute(next) {
      route = next;
    },
  };
}
