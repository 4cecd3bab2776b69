import type { IncomingMessage } from 'node:http';

/**
 * The console API and the emulators' control endpoints act as any seeded user (UADMIN included)
 * with no credentials: they trust whoever can reach the port. A web page the developer happens
 * to visit can reach it too, with a "simple" cross-site POST (`text/plain` or a form) that the
 * browser sends without asking. So every state-changing request here must:
 *  - come from the page's own origin when it says where it comes from (browsers always send
 *    `Origin` on a cross-site POST; the CLI, tests and curl send none), else 403;
 *  - carry JSON as `application/json` when it has a body, which a page cannot send cross-site
 *    without a CORS preflight this server never answers, else 415.
 * Reads (GET, HEAD) are let through: without CORS headers a foreign page cannot read the answer.
 */
export type CrossSiteRefusal = { status: 403 | 415; error: string };

export function refuseCrossSite(req: IncomingMessage): CrossSiteRefusal | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    return { status: 403, error: `cross-site request refused (Origin ${origin})` };
  }
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if ((hasBody || mediaType !== '') && mediaType !== 'application/json') {
    return { status: 415, error: 'the body must be JSON sent as application/json' };
  }
  return undefined;
}
