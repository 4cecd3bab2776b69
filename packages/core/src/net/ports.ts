/**
 * Port specs: `22`, `8000-8100`, `53/udp`. Commands default the protocol to tcp; config entries
 * without a protocol cover both tcp and udp.
 */
export const PROTOCOLS = ['tcp', 'udp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface PortRange {
  from: number;
  to: number;
}

export interface PortSpec extends PortRange {
  /** Undefined: not given (tcp for a command, both for a config entry). */
  protocol: Protocol | undefined;
}

export type PortParse = { ok: true; spec: PortSpec } | { ok: false; problem: string };

const PORT = /^[0-9]{1,6}$/;

function port(text: string, whole: string): number | string {
  if (!PORT.test(text)) return `"${whole}" is not a port or port range such as 22, 8000-8100 or 53/udp`;
  const n = Number(text);
  if (n < 1 || n > 65535) return `port ${n} does not exist: ports are 1 to 65535`;
  return n;
}

export function parsePortSpec(raw: string): PortParse {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const range = slash < 0 ? text : text.slice(0, slash);
  let protocol: Protocol | undefined;
  if (slash >= 0) {
    const name = text.slice(slash + 1).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(name)) {
      return { ok: false, problem: `protocol "${text.slice(slash + 1)}" is not allowed: write /tcp or /udp` };
    }
    protocol = name as Protocol;
  }
  const dash = range.indexOf('-', 1);
  const from = port(dash < 0 ? range : range.slice(0, dash), raw);
  if (typeof from === 'string') return { ok: false, problem: from };
  const to = dash < 0 ? from : port(range.slice(dash + 1), raw);
  if (typeof to === 'string') return { ok: false, problem: to };
  if (from > to) return { ok: false, problem: `${from}-${to} is reversed: write ${to}-${from}` };
  return { ok: true, spec: { from, to, protocol } };
}

export function formatPorts(range: PortRange, protocol?: string): string {
  const ports = range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
  return protocol ? `${ports}/${protocol}` : ports;
}

/** Whether two ranges share a port. */
export function overlaps(a: PortRange, b: PortRange): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** Whether a config entry (no protocol = both) applies to this protocol and shares a port. */
export function entryTouches(entry: PortSpec, range: PortRange, protocol: Protocol): boolean {
  return (entry.protocol === undefined || entry.protocol === protocol) && overlaps(entry, range);
}

/** Whether every port of `range` is inside the union of the entries (for this protocol). */
export function entriesCover(entries: readonly PortSpec[], range: PortRange, protocol: Protocol): boolean {
  const relevant = entries
    .filter((e) => (e.protocol === undefined || e.protocol === protocol) && overlaps(e, range))
    .sort((a, b) => a.from - b.from);
  let next = range.from;
  for (const entry of relevant) {
    if (entry.from > next) return false;
    next = Math.max(next, entry.to + 1);
    if (next > range.to) return true;
  }
  return next > range.to;
}
