import { ControlError, registerControlRoute } from '../ec2/control';
import { instances } from '../ec2/model';
import type { IamPolicy } from '../iam/policy';
import { addOrganizationalUnit, OrganizationsError, ROOT_ID } from '../organizations/api';
import { type Account, AccountError, type AccountRegistry, type MemberRole } from './registry';

/**
 * Control endpoints for the accounts an emulator serves (JSON):
 *   GET  /_emulator/accounts                 every account: id, alias, OU, roles, regions, live sessions
 *   POST /_emulator/accounts                 {"id", "alias"?, "ouId"?, "roles"?: [{"name", "trusted"?,
 *                                            "externalId"?, "policy"?, "maxSessionSeconds"?}]} add a member
 *   POST /_emulator/accounts/:id/role        {"name"?, "state"?: "missing"|"present", "externalId"?,
 *                                            "trusted"?, "policy"?} change (or break) a member role;
 *                                            the name may be left out when the account has one role
 *   POST /_emulator/organization/units       {"id": "ou-…", "name", "parentId"?} add an OU
 * Every other control route takes `?account=<id|alias>` (default: the hub).
 */
function view(accounts: AccountRegistry, account: Account) {
  const now = accounts.clock.now();
  return {
    id: account.id,
    alias: account.alias ?? null,
    hub: account.hub,
    ouId: account.ouId ?? null,
    regions: account.store.regions().map((r) => r.region),
    instances: account.store.regions().reduce((n, r) => n + instances.in(r).size, 0),
    roles: [...account.roles.values()].map((r) => ({
      name: r.name,
      arn: `arn:aws:iam::${account.id}:role/${r.name}`,
      state: r.state,
      externalId: r.externalId ?? null,
      trusted: r.trusted,
      maxSessionSeconds: r.maxSessionSeconds,
    })),
    sessions: accounts.sessions.active(now).filter((s) => s.accountId === account.id).length,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A role body from JSON, each field checked (a bad one is a 400 naming it). */
function roleInput(value: unknown): Partial<MemberRole> {
  if (!isObject(value)) throw new ControlError(400, 'a role is an object {"name", …}');
  const out: Partial<MemberRole> = {};
  if (value.name !== undefined) {
    if (typeof value.name !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(value.name))
      throw new ControlError(400, 'role name: 1-64 of letters, digits and +=,.@_-');
    out.name = value.name;
  }
  if (value.state !== undefined) {
    if (value.state !== 'missing' && value.state !== 'present')
      throw new ControlError(400, 'state must be "missing" or "present"');
    out.state = value.state;
  }
  if ('externalId' in value) {
    if (value.externalId !== null && (typeof value.externalId !== 'string' || value.externalId.length < 2))
      throw new ControlError(400, 'externalId must be a string of 2+ characters, or null');
    out.externalId = value.externalId ?? undefined;
  }
  if (value.trusted !== undefined) {
    const ok =
      value.trusted === '*' ||
      (Array.isArray(value.trusted) && value.trusted.every((t) => typeof t === 'string'));
    if (!ok) throw new ControlError(400, 'trusted must be "*" or a list of access key ids');
    out.trusted = value.trusted as MemberRole['trusted'];
  }
  if (value.policy !== undefined) {
    if (value.policy !== '*' && !(isObject(value.policy) && 'Statement' in value.policy))
      throw new ControlError(400, 'policy must be "*" or an IAM policy document');
    out.policy = value.policy as IamPolicy | '*';
  }
  if (value.maxSessionSeconds !== undefined) {
    const s = value.maxSessionSeconds;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 3600 || s > 43_200)
      throw new ControlError(400, 'maxSessionSeconds must be between 3600 and 43200');
    out.maxSessionSeconds = s;
  }
  return out;
}

function accountErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AccountError || error instanceof OrganizationsError)
      throw new ControlError(400, error.message);
    throw error;
  }
}

registerControlRoute('GET', '/_emulator/accounts', ({ accounts }) =>
  accounts.all().map((account) => view(accounts, account)),
);

registerControlRoute('POST', '/_emulator/accounts', ({ accounts, body }) => {
  if (!isObject(body) || typeof body.id !== 'string')
    throw new ControlError(400, 'give {"id": "111111111111", …}');
  if (body.alias !== undefined && typeof body.alias !== 'string')
    throw new ControlError(400, 'alias must be a string');
  if (body.ouId !== undefined && typeof body.ouId !== 'string')
    throw new ControlError(400, 'ouId must be a string');
  if (body.roles !== undefined && !Array.isArray(body.roles))
    throw new ControlError(400, 'roles must be a list');
  const roles = ((body.roles ?? []) as unknown[]).map((r) => {
    const role = roleInput(r);
    if (!role.name) throw new ControlError(400, 'every role needs a name');
    return { ...role, name: role.name };
  });
  const account = accountErrors(() =>
    accounts.addMember({
      id: body.id as string,
      alias: body.alias as string | undefined,
      ouId: body.ouId as string | undefined,
      roles,
    }),
  );
  return view(accounts, account);
});

registerControlRoute('POST', '/_emulator/accounts/:id/role', ({ accounts, params, body }) => {
  const account = accounts.find(params.id ?? '');
  if (!account || account.hub) throw new ControlError(404, `no member account ${params.id}`);
  const input = roleInput(body);
  let name = input.name;
  if (name === undefined) {
    if (account.roles.size !== 1)
      throw new ControlError(400, `${account.id} has ${account.roles.size} roles: name one`);
    name = [...account.roles.keys()][0]!;
  }
  const role = accountErrors(() => accounts.putRole(account.id, { ...input, name: name! }));
  return { account: account.id, role: role.name, state: role.state, externalId: role.externalId ?? null };
});

registerControlRoute('POST', '/_emulator/organization/units', ({ accounts, body }) => {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.name !== 'string')
    throw new ControlError(400, 'give {"id": "ou-xxxx-xxxxxxxx", "name": "…"}');
  const parentId = typeof body.parentId === 'string' ? body.parentId : ROOT_ID;
  accountErrors(() =>
    addOrganizationalUnit(accounts, { id: body.id as string, name: body.name as string, parentId }),
  );
  return { id: body.id, name: body.name, parentId };
});
