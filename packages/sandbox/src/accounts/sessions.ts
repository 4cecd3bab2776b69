import { randomBytes } from 'node:crypto';
import type { IamPolicy } from '../iam/policy';

/**
 * Temporary credentials issued by the emulator's STS AssumeRole. The access key id (`ASIA…`)
 * names the session; a request signed with it acts in the target account, held to the assumed
 * role's policy. Sessions live in memory only: a restarted emulator has forgotten them, as a
 * restarted sandbox's handlers have forgotten the credentials they cached.
 */
export interface AssumedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** The account the credentials act in. */
  accountId: string;
  roleName: string;
  sessionName: string;
  /** Who assumed the role (the hub caller's access key id). */
  assumedBy: string;
  /** Epoch ms on the emulator's clock. */
  expiresAt: number;
}

/** What a request's credentials resolve to: a live session, one past its expiry, or none issued. */
export type SessionLookup =
  | { kind: 'session'; session: AssumedSession }
  | { kind: 'expired'; session: AssumedSession }
  | { kind: 'unknown' };

/** The policy a session is held to, resolved per request from its role (a broken role allows nothing). */
export type SessionPolicy = IamPolicy | '*';

/** STS-issued access key ids start with ASIA (long-term keys with AKIA): the emulator keeps that. */
export const SESSION_KEY_PREFIX = 'ASIA';
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(): string {
  let id = SESSION_KEY_PREFIX;
  for (const byte of randomBytes(16)) id += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return id;
}

export function isSessionKey(accessKeyId: string | undefined): boolean {
  return accessKeyId?.startsWith(SESSION_KEY_PREFIX) === true && accessKeyId.length === 20;
}

/** Keeps expired sessions this long, so their use is answered "expired" rather than "unknown". */
const EXPIRED_RETENTION_MS = 24 * 60 * 60_000;

export class SessionTable {
  private readonly sessions = new Map<string, AssumedSession>();

  issue(
    fields: Pick<AssumedSession, 'accountId' | 'roleName' | 'sessionName' | 'assumedBy' | 'expiresAt'>,
    now: number,
  ): AssumedSession {
    this.prune(now);
    let accessKeyId = randomKeyId();
    while (this.sessions.has(accessKeyId)) accessKeyId = randomKeyId();
    const session: AssumedSession = {
      ...fields,
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
    };
    this.sessions.set(accessKeyId, session);
    return session;
  }

  /** The session behind an access key, checked against the token the request carried. */
  lookup(accessKeyId: string, sessionToken: string | undefined, now: number): SessionLookup {
    const session = this.sessions.get(accessKeyId);
    if (!session || session.sessionToken !== sessionToken) return { kind: 'unknown' };
    return now >= session.expiresAt ? { kind: 'expired', session } : { kind: 'session', session };
  }

  /** Live sessions (for the control view). */
  active(now: number): AssumedSession[] {
    return [...this.sessions.values()].filter((s) => s.expiresAt > now);
  }

  private prune(now: number): void {
    for (const [key, session] of this.sessions) {
      if (session.expiresAt + EXPIRED_RETENTION_MS < now) this.sessions.delete(key);
    }
  }
}
