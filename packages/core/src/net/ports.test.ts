import { describe, expect, it } from 'vitest';
import { entriesCover, parsePortSpec } from './ports';

const spec = (t: string) => {
  const p = parsePortSpec(t);
  if (!p.ok) throw new Error(p.problem);
  return p.spec;
};
const problem = (t: string) => {
  const p = parsePortSpec(t);
  return p.ok ? undefined : p.problem;
};

describe('parsePortSpec', () => {
  it('reads a port, a range and a protocol', () => {
    expect(spec('22')).toEqual({ from: 22, to: 22, protocol: undefined });
    expect(spec('8000-8100/udp')).toEqual({ from: 8000, to: 8100, protocol: 'udp' });
    expect(spec('443/TCP')).toEqual({ from: 443, to: 443, protocol: 'tcp' });
  });

  it('refuses ports that do not exist, reversed ranges and other protocols', () => {
    expect(problem('0')).toBe('port 0 does not exist: ports are 1 to 65535');
    expect(problem('65536')).toBe('port 65536 does not exist: ports are 1 to 65535');
    expect(problem('22-20')).toBe('22-20 is reversed: write 20-22');
    expect(problem('22/icmp')).toBe('protocol "icmp" is not allowed: write /tcp or /udp');
    expect(problem('ssh')).toMatch(/not a port or port range/);
    expect(problem('-1')).toMatch(/not a port or port range/);
  });

  it('knows when entries cover a whole range', () => {
    const entries = [spec('80'), spec('443'), spec('8000-8099'), spec('8100-8200/tcp')];
    expect(entriesCover(entries, { from: 443, to: 443 }, 'tcp')).toBe(true);
    expect(entriesCover(entries, { from: 8000, to: 8200 }, 'tcp')).toBe(true);
    expect(entriesCover(entries, { from: 8000, to: 8200 }, 'udp')).toBe(false);
    expect(entriesCover(entries, { from: 80, to: 443 }, 'tcp')).toBe(false);
  });
});
