import { describe, expect, it } from 'vitest';
import { evaluateInstanceType, familyMatches, parseInstanceType, sizeFactor } from './instance-type';

const limits = {
  operator: { families: ['t3', 't4g', 'm7*'], maxSize: 'large' },
  admin: { families: ['t3', 't4g', 'm7*', 'c6in'], maxSize: '4xlarge' },
};
const choices = ['t3.micro', 't3.small', 't3.large', 't4g.micro', 'm7g.large', 'm7i.xlarge', 'c6in.2xlarge'];

describe('parseInstanceType', () => {
  it('splits family, generation, options and size', () => {
    expect(parseInstanceType('m7g.xlarge')).toMatchObject({
      family: 'm7g',
      class: 'm',
      generation: 7,
      options: 'g',
      size: 'xlarge',
      factor: 8,
    });
    expect(parseInstanceType('c6in.2xlarge')).toMatchObject({ family: 'c6in', options: 'in', factor: 16 });
    expect(parseInstanceType('t3.micro')).toMatchObject({ family: 't3', options: '', factor: 0.5 });
    expect(parseInstanceType('m7i.metal-24xl')?.factor).toBe(192);
  });

  it('refuses names that are not family.size', () => {
    for (const bad of [
      't3micro',
      't3.',
      '.large',
      'T3.micro',
      't3.huge',
      'm.large',
      't3.1xlarge',
      'ami-1234',
    ])
      expect(parseInstanceType(bad), bad).toBeUndefined();
  });

  it('orders sizes by the normalization factor', () => {
    const order = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '12xlarge', 'metal'];
    const factors = order.map((s) => sizeFactor(s)!);
    expect([...factors].sort((a, b) => a - b)).toEqual(factors);
  });

  it('matches families exactly or by glob', () => {
    expect(familyMatches('m7*', 'm7g')).toBe(true);
    expect(familyMatches('m7*', 'm6g')).toBe(false);
    expect(familyMatches('t3', 't3a')).toBe(false);
  });
});

describe('evaluateInstanceType', () => {
  it('lets a type within the role’s families and size run at once', () => {
    expect(evaluateInstanceType('t3.small', 'operator', limits, choices).kind).toBe('ok');
  });

  it('sends a type beyond the role’s size to approval when a higher role may launch it', () => {
    const decision = evaluateInstanceType('m7g.2xlarge', 'operator', limits, choices);
    expect(decision).toMatchObject({ kind: 'approval' });
    expect(decision.kind === 'approval' && decision.reason).toContain('larger than large');
  });

  it('refuses a family the role may not use, with suggestions it may', () => {
    const decision = evaluateInstanceType('c6in.large', 'operator', limits, choices);
    expect(decision).toMatchObject({ kind: 'refused', code: 'launch.type-not-allowed' });
    expect(decision.kind === 'refused' && decision.suggestions.every((s) => !s.startsWith('c6in'))).toBe(
      true,
    );
  });

  it('refuses a size no role may launch', () => {
    expect(evaluateInstanceType('m7g.16xlarge', 'admin', limits, choices)).toMatchObject({
      kind: 'refused',
      code: 'launch.type-too-large',
    });
  });

  it('refuses a malformed name with the closest allowed choices', () => {
    const decision = evaluateInstanceType('t3.smal', 'operator', limits, choices);
    expect(decision).toMatchObject({ kind: 'refused', code: 'launch.type-malformed' });
    expect(decision.kind === 'refused' && decision.suggestions[0]).toBe('t3.small');
  });
});
