import type { AccountRegistry } from '../accounts/registry';
import type { Ec2Store } from './store';

/**
 * The emulator's own JSON endpoints under `/_emulator/…` (not part of EC2): tests and the
 * sandbox use them to steer state (hold an image pending, fail it, move the clock). Area files
 * register their routes with `registerControlRoute`; README.md in this folder lists them.
 */
export interface ControlRequest {
  method: string;
  /** Values of the `:name` segments of the route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The account named by `?account=` (id or alias), else the hub. */
  store: Ec2Store;
  /** Every account the emulator serves. */
  accounts: AccountRegistry;
  /** Whether `?account=` was given (routes acting on every account then act on that one only). */
  accountNamed: boolean;
}

export type ControlHandler = (request: ControlRequest) => unknown;

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: ControlHandler;
}

const routes: Route[] = [];

/** `registerControlRoute('POST', '/_emulator/images/:id/state', handler)` */
export function registerControlRoute(method: string, pattern: string, handler: ControlHandler): void {
  routes.push({ method: method.toUpperCase(), segments: pattern.split('/').filter(Boolean), handler });
}

export function matchControlRoute(
  method: string,
  pathname: string,
): { handler: ControlHandler; params: Record<string, string> } | 'method-not-allowed' | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let pathMatched = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i += 1) {
      const segment = route.segments[i]!;
      if (segment.startsWith(':')) params[segment.slice(1)] = parts[i]!;
      else if (segment !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { handler: route.handler, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

export function listControlRoutes(): string[] {
  return routes.map((r) => `${r.method} /${r.segments.join('/')}`);
}
