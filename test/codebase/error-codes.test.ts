import { ERROR_CODES, isErrorCode } from '@ec2ops/core/error-codes';
import { describe, expect, it } from 'vitest';
import { errorCodeUses, stringLiterals } from './error-code-uses';

describe('the error-code catalog', () => {
  const uses = errorCodeUses();

  it('lists every code the code base gives an ec2ops error', () => {
    const unlisted = uses.filter((use) => !isErrorCode(use.code)).map((use) => `${use.code} at ${use.at}`);
    expect(unlisted).toEqual([]);
  });

  it('lists each code once', () => {
    const twice = ERROR_CODES.filter((code, i) => ERROR_CODES.indexOf(code) !== i);
    expect(twice).toEqual([]);
  });

  it('lists no code nothing uses (a retired code is removed, not left to mislead)', () => {
    // `refused` is the worker's fallback for a relayed refusal that came without a code.
    const used = new Set([...uses.map((use) => use.code), ...stringLiterals(), 'refused']);
    expect(ERROR_CODES.filter((code) => !used.has(code))).toEqual([]);
  });

  it('finds codes however the call is written, so the first test cannot pass by finding none', () => {
    const codes = new Set(uses.map((use) => use.code));
    // A `new InputError(…)`, a parser's `fail(…)`, a subclass's `super(…)` and a `code:` field.
    for (const sample of [
      'command.unclosed-quote',
      'command.duplicate',
      'job.not-implemented',
      'launch.type-too-large',
    ]) {
      expect(codes).toContain(sample);
    }
  });
});
