import { expect } from 'vitest';

/** One metric value read back from an EMF line: its name, unit, value and dimensions. */
export interface EmfValue {
  namespace: string;
  name: string;
  unit: string | undefined;
  value: number;
  dimensions: Record<string, string>;
}

/**
 * Reads CloudWatch embedded metric format lines as CloudWatch would, checking the structure
 * it requires: `_aws.Timestamp` (epoch ms), `CloudWatchMetrics` directives each with a
 * Namespace, Dimensions (a list of dimension sets, every key a top-level string) and Metrics
 * (each Name a top-level number). Lines that are not EMF (log lines) are left out.
 */
export function parseEmf(lines: string[]): EmfValue[] {
  const values: EmfValue[] = [];
  for (const line of lines) {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line);
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object' || !('_aws' in doc)) continue;
    const aws = doc['_aws'] as { Timestamp: unknown; CloudWatchMetrics: unknown };
    expect(Number.isInteger(aws.Timestamp)).toBe(true);
    expect(Array.isArray(aws.CloudWatchMetrics)).toBe(true);
    for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
      expect(typeof directive['Namespace']).toBe('string');
      const sets = directive['Dimensions'] as string[][];
      expect(Array.isArray(sets)).toBe(true);
      // CloudWatch takes at most 30 dimensions per set.
      for (const set of sets) expect(set.length).toBeLessThanOrEqual(30);
      const keys = [...new Set(sets.flat())];
      for (const key of keys) expect(typeof doc[key]).toBe('string');
      const dimensions = Object.fromEntries(keys.map((k) => [k, doc[k] as string]));
      for (const metric of directive['Metrics'] as { Name: string; Unit?: string }[]) {
        const value = doc[metric.Name];
        const numbers = Array.isArray(value) ? value : [value];
        for (const n of numbers) {
          expect(typeof n).toBe('number');
          values.push({
            namespace: directive['Namespace'] as string,
            name: metric.Name,
            unit: metric.Unit,
            value: n as number,
            dimensions,
          });
        }
      }
    }
  }
  return values;
}

/**
 * What a piece of code writes to stdout and stderr while `run` runs (held back from the
 * terminal). Powertools writes through Console objects over these very streams.
 */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  try {
    return { result: await run(), lines };
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i]!;
    });
  }
}
