import { describe, expect, it } from 'vitest';
import { ForbiddenError, InputError } from '../errors';
import { errorCode, errorMessage } from './error-message';

describe('errorMessage', () => {
  it('shows an Ec2opsError with its message, hint and code, ephemeral', () => {
    const message = errorMessage(
      new InputError('launch.type-unknown', 'Unknown instance type m9.huge.', { hint: 'Try m7g.large.' }),
      'r-1',
    );
    expect(message.response_type).toBe('ephemeral');
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('Unknown instance type m9.huge.');
    expect(shown).toContain('Try m7g.large.');
    expect(shown).toContain('launch.type-unknown');
    expect(message.text).toContain('Try m7g.large.');
  });
  it('hides the details of anything else and gives the request id', () => {
    const message = errorMessage(new Error('socket hang up at 10.0.0.1'), 'r-42');
    expect(JSON.stringify(message)).not.toContain('socket');
    expect(message.text).toContain('r-42');
    expect(errorCode(new Error('x'))).toBe('internal');
    expect(errorCode(new ForbiddenError('role.none', 'no'))).toBe('role.none');
  });
});
