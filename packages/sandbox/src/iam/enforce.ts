import { Ec2ApiError } from '../ec2/errors';
import type { Interceptor } from '../ec2/interceptors';
import type { RequestContext } from './context';
import { type Ec2Check, ec2Checks } from './ec2-requests';
import { evaluate } from './evaluate';
import type { IamPolicy } from './policy';

/**
 * The emulator's IAM: the request's access key id names a caller (`AWS_ACCESS_KEY_ID=Worker`),
 * the caller's policy is evaluated for every resource the request touches, and the answer is
 * EC2's: `AuthFailure` for a key nobody issued, `UnauthorizedOperation` (403) for a denied call,
 * with or without DryRun. A key mapped to `"*"` has full access (the sandbox's own seeding).
 */
export type CallerPolicies = Readonly<Record<string, IamPolicy | '*'>>;

export const FULL_ACCESS = '*';

/** One denied call, kept so a test or the console can say what the policy lacked. */
export interface Denial {
  caller: string;
  action: string;
  resource: string;
  decision: 'ExplicitDeny' | 'ImplicitDeny';
}

export interface IamEnforcer {
  interceptor: Interceptor;
  /**
   * Whether a long-term caller's own policy allows a non-EC2 call (`sts:AssumeRole` on a role
   * ARN, `organizations:ListAccounts` on `*`): the emulator's STS and Organizations ask it.
   */
  allows(caller: string, action: string, resource: string, context?: RequestContext): boolean;
  /** Denials so far, oldest first (the last 200). */
  denials(): Denial[];
}

const KEEP_DENIALS = 200;

export function createIamEnforcer(policies: CallerPolicies): IamEnforcer {
  const denials: Denial[] = [];
  const interceptor: Interceptor = ({ action, region, store, params, accessKeyId, session }) => {
    // STS-issued credentials are held to the assumed role's policy in the account they act in.
    const policy = session ? session.policy : accessKeyId === undefined ? undefined : policies[accessKeyId];
    const caller = session ? `${session.roleName}/${session.sessionName}` : accessKeyId!;
    if (policy === undefined) {
      throw new Ec2ApiError(
        'AuthFailure',
        'AWS was not able to validate the provided access credentials',
        401,
      );
    }
    if (policy === FULL_ACCESS) return;
    const scope = { region, accountId: store.accountId, state: store.region(region) };
    for (const check of ec2Checks({ ...scope, action, params })) {
      const { decision } = evaluate(policy, check);
      if (decision === 'Allow') continue;
      denials.push({ caller, action: check.action, resource: check.resource, decision });
      if (denials.length > KEEP_DENIALS) denials.shift();
      throw unauthorized(caller, store.accountId, check, decision);
    }
  };
  const allows = (caller: string, action: string, resource: string, context?: RequestContext): boolean => {
    const policy = policies[caller];
    if (policy === undefined) return false;
    if (policy === FULL_ACCESS) return true;
    const { decision } = evaluate(policy, { action, resource, ...(context ? { context } : {}) });
    if (decision !== 'Allow') {
      denials.push({ caller, action, resource, decision });
      if (denials.length > KEEP_DENIALS) denials.shift();
    }
    return decision === 'Allow';
  };
  return { interceptor, allows, denials: () => [...denials] };
}

function unauthorized(
  /** `Worker` (a function's role session) or `<role>/<session>` (STS-issued credentials). */
  caller: string,
  accountId: string,
  check: Ec2Check,
  decision: Denial['decision'],
): Ec2ApiError {
  const why =
    decision === 'ExplicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : 'because no identity-based policy allows the action';
  return new Ec2ApiError(
    'UnauthorizedOperation',
    `You are not authorized to perform this operation. User: arn:aws:sts::${accountId}:assumed-role/${caller.includes('/') ? caller : `${caller}/${caller}`} ` +
      `is not authorized to perform: ${check.action} on resource: ${check.resource} ${why}`,
    403,
  );
}
