import { describe, expect, it } from 'vitest';
import { FaultInjector, FaultSpecError, parseFaultSpec, seededRandom } from './faults';
import { requestBucketFor, Throttle } from './throttling';

describe('parseFaultSpec', () => {
  it('reads every documented part', () => {
    const spec = parseFaultSpec(
      'seed=42,throttle=on,error-rate=0.05,error-codes=500:503,latency=20-80ms,throttle-rate=0.2,throttle-scale=0.5,actions=RunInstances:ReleaseAddress',
    );
    expect(spec).toMatchObject({
      seed: 42,
      throttle: true,
      errorRate: 0.05,
      errorCodes: [500, 503],
      latencyMs: { min: 20, max: 80 },
      throttleRate: 0.2,
      throttleScale: 0.5,
    });
    expect([...(spec.actions ?? [])]).toEqual(['RunInstances', 'ReleaseAddress']);
  });

  it('treats an empty spec as no faults, and takes single latencies and seconds', () => {
    expect(new FaultInjector(parseFaultSpec('')).active).toBe(false);
    expect(parseFaultSpec('latency=50ms').latencyMs).toEqual({ min: 50, max: 50 });
    expect(parseFaultSpec('latency=1-2s').latencyMs).toEqual({ min: 1000, max: 2000 });
    expect(parseFaultSpec('error-codes=503').errorCodes).toEqual([503]);
  });

  it.each([
    ['error-rate=2', 'error-rate=2'],
    ['throttle=yes', 'throttle=yes'],
    ['seed=-1', 'seed=-1'],
    ['latency=80-20ms', 'latency=80-20ms'],
    ['latency=fast', 'latency=fast'],
    ['error-codes=500:404', 'error-codes=500:404'],
    ['bogus', 'bogus'],
    ['seed=1,colour=red', 'colour=red'],
    ['seed=1,seed=2', 'seed=2'],
    ['actions=run instances', 'actions=run instances'],
  ])('refuses %s, naming the bad part', (text, part) => {
    let caught: unknown;
    try {
      parseFaultSpec(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaultSpecError);
    expect((caught as FaultSpecError).part).toBe(part);
    expect((caught as FaultSpecError).message).toContain(`"${part}"`);
    expect((caught as FaultSpecError).code).toBe('emulator.faults');
  });
});

describe('seeded faults', () => {
  const outcomes = (spec: string, n: number) => {
    const injector = new FaultInjector(parseFaultSpec(spec));
    return Array.from({ length: n }, () => {
      const d = injector.decide({
        action: 'DescribeAddresses',
        region: 'us-east-1',
        filteredOrPaginated: true,
        resourceCount: 0,
      });
      return `${d.error?.code ?? 'ok'}:${d.delayMs}`;
    });
  };

  it('repeats exactly for the same seed and differs for another', () => {
    const spec = 'error-rate=0.3,throttle-rate=0.1,latency=0-9ms';
    expect(outcomes(`seed=7,${spec}`, 200)).toEqual(outcomes(`seed=7,${spec}`, 200));
    expect(outcomes(`seed=8,${spec}`, 200)).not.toEqual(outcomes(`seed=7,${spec}`, 200));
  });

  it('fails about the fraction asked for, with the statuses asked for', () => {
    const results = outcomes('seed=3,error-rate=0.25,error-codes=503', 4000).map((o) => o.split(':')[0]);
    const failed = results.filter((r) => r !== 'ok');
    expect(failed.length / results.length).toBeGreaterThan(0.22);
    expect(failed.length / results.length).toBeLessThan(0.28);
    expect(new Set(failed)).toEqual(new Set(['Unavailable']));
  });

  it('leaves actions outside `actions=` alone', () => {
    const injector = new FaultInjector(parseFaultSpec('error-rate=1,actions=ReleaseAddress'));
    const decide = (action: string) =>
      injector.decide({ action, region: 'us-east-1', filteredOrPaginated: false, resourceCount: 0 }).error
        ?.code;
    expect(decide('DescribeAddresses')).toBeUndefined();
    expect(['InternalError', 'Unavailable']).toContain(decide('ReleaseAddress'));
  });

  it('draws uniformly from [0, 1)', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('EC2 token buckets', () => {
  it('puts actions in the documented categories', () => {
    expect(requestBucketFor('DescribeAddresses', false)).toMatchObject({
      category: 'non-mutating',
      spec: { capacity: 100, refill: 20 },
    });
    expect(requestBucketFor('DescribeInstances', false)).toMatchObject({
      category: 'unfiltered-non-mutating',
      spec: { capacity: 50, refill: 10 },
    });
    expect(requestBucketFor('DescribeInstances', true)).toMatchObject({ category: 'non-mutating' });
    expect(requestBucketFor('ReleaseAddress', false)).toMatchObject({
      category: 'mutating',
      spec: { capacity: 50, refill: 5 },
    });
    expect(requestBucketFor('AuthorizeSecurityGroupIngress', false)).toMatchObject({
      category: 'resource-intensive',
    });
    expect(requestBucketFor('CreateTags', false)).toMatchObject({
      category: 'uncategorized',
      spec: { capacity: 100, refill: 10 },
    });
    expect(requestBucketFor('RunInstances', false)).toMatchObject({ spec: { capacity: 5, refill: 2 } });
  });

  it('empties a bucket, refuses, and refills at the documented rate', () => {
    let now = 0;
    const throttle = new Throttle({ now: () => now });
    const call = () =>
      throttle.admit({
        action: 'ReleaseAddress',
        region: 'us-east-1',
        filteredOrPaginated: false,
        resourceCount: 0,
      }).allowed;
    const first = Array.from({ length: 60 }, call);
    expect(first.filter(Boolean)).toHaveLength(50);
    now += 1000; // 5 tokens a second
    expect(Array.from({ length: 10 }, call).filter(Boolean)).toHaveLength(5);
    // Another action and another region have their own buckets.
    expect(
      throttle.admit({
        action: 'AllocateAddress',
        region: 'us-east-1',
        filteredOrPaginated: false,
        resourceCount: 0,
      }).allowed,
    ).toBe(true);
    expect(
      throttle.admit({
        action: 'ReleaseAddress',
        region: 'eu-west-1',
        filteredOrPaginated: false,
        resourceCount: 0,
      }).allowed,
    ).toBe(true);
  });

  it('charges RunInstances one resource token per instance', () => {
    let now = 0;
    const throttle = new Throttle({ now: () => now });
    const run = (count: number) =>
      throttle.admit({
        action: 'RunInstances',
        region: 'us-east-1',
        filteredOrPaginated: false,
        resourceCount: count,
      });
    expect(run(600).allowed).toBe(true);
    expect(run(600)).toEqual({ allowed: false, bucket: 'RunInstances#resources' });
    now += 100_000; // resource bucket refills 2 a second, up to 1000
    expect(run(400).allowed).toBe(true);
  });
});
