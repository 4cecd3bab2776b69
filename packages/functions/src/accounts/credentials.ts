import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { Ec2opsError } from '@ec2ops/core/errors';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { type Target, targetKey, targetLabel } from './targets';

/** Temporary credentials of a member role, as the SDK clients take them. */
export interface MemberCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The hub could not assume a member role: that account is skipped and named, never the others. */
export class AssumeRoleError extends Ec2opsError {
  readonly account: string;
  constructor(target: Target, cause: unknown) {
    super(
      'fleet.assume-role-failed',
      `cannot act in ${targetLabel(target)}: AssumeRole ${target.roleArn} failed (${awsErrorCode(cause)}: ${awsErrorMessage(cause)})`,
      {
        cause,
        hint: 'Check that the member role exists there (`ec2ops member-role`), trusts this stage and uses the configured ExternalId.',
      },
    );
    this.name = 'AssumeRoleError';
    this.account = targetKey(target);
  }
}

/** Credentials are renewed this long before they expire, so no call starts with a dying session. */
export const RENEW_BEFORE_MS = 5 * 60_000;
export const SESSION_SECONDS = 3600;

/**
 * STS's RoleSessionName: `<function>-<request id>`, 2–64 characters of [\w+=,.@-]. It appears in
 * the member account's CloudTrail, so an operator there can tell which invocation acted.
 */
export function roleSessionName(fn: string, requestId: string): string {
  return `${fn}-${requestId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export type CredentialsFor = (target: Target) => () => Promise<MemberCredentials>;

/**
 * One AssumeRole per member account while its credentials last (renewed 5 minutes before
 * Expiration); concurrent callers for the same account share one call in flight. A failed call
 * is not cached, so the next shard or command tries again.
 */
export function assumeRoleCredentials(options: {
  sts: STSClient;
  now: () => Date;
  sessionName: () => string;
}): CredentialsFor {
  const cache = new Map<string, Promise<MemberCredentials>>();
  const fresh = (creds: MemberCredentials) =>
    creds.expiration.getTime() - RENEW_BEFORE_MS > options.now().getTime();
  const assume = async (target: Target): Promise<MemberCredentials> => {
    try {
      const out = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: options.sessionName(),
          DurationSeconds: SESSION_SECONDS,
          ...(target.externalId ? { ExternalId: target.externalId } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error('STS answered without credentials');
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
    } catch (error) {
      throw new AssumeRoleError(target, error);
    }
  };
  return (target) => async () => {
    const key = targetKey(target);
    const held = cache.get(key);
    if (held) {
      const creds = await held.catch(() => undefined);
      if (creds && fresh(creds)) return creds;
      // Another caller already started the renewal: share it.
      const renewing = cache.get(key);
      if (renewing && renewing !== held) return renewing;
    }
    const pending = assume(target);
    cache.set(key, pending);
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
    return pending;
  };
}
