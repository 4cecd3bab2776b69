import { describe, expect, it } from 'vitest';
import { highestRole, resolveRole, roleAtLeast, rolesSchema } from './roles';

const roles = rolesSchema.parse({
  users: { U0VIEW: 'viewer', U0OPS: 'operator' },
  groups: { S0SRE: 'admin', S0DEVS: 'operator' },
  bootstrapAdmins: ['U0BOOT'],
});

describe('resolveRole', () => {
  it('gives nobody a role unless configured', () => {
    expect(resolveRole('U0STRANGER', roles)).toBeUndefined();
  });
  it('maps users, bootstrap admins and group members, taking the highest', () => {
    const groups = new Map([
      ['S0SRE', new Set(['U0VIEW'])],
      ['S0DEVS', new Set(['U0NEW'])],
    ]);
    expect(resolveRole('U0OPS', roles, groups)).toBe('operator');
    expect(resolveRole('U0BOOT', roles, groups)).toBe('admin');
    expect(resolveRole('U0VIEW', roles, groups)).toBe('admin');
    expect(resolveRole('U0NEW', roles, groups)).toBe('operator');
  });
  it('grants nothing for a group whose members could not be read', () => {
    expect(resolveRole('U0NEW', roles, new Map())).toBeUndefined();
  });
  it('orders viewer < operator < admin', () => {
    expect(highestRole('viewer', undefined, 'admin', 'operator')).toBe('admin');
    expect(roleAtLeast('operator', 'viewer')).toBe(true);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
    expect(roleAtLeast(undefined, 'viewer')).toBe(false);
  });
});
