import type { ResponseReply } from './records';

/**
 * Reads the replies an app sent to one response_url, through the emulator's read API, until they
 * settle: a final one arrived (`isFinal`), or some arrived and nothing new came for `settleMs`, or
 * `waitMs` passed.
 */
export async function collectReplies(options: {
  emulatorUrl: string;
  responseUrlId: string;
  waitMs: number;
  settleMs?: number;
  pollMs?: number;
  onReply?: (reply: ResponseReply, index: number) => void;
  /** A reply after which no other is expected: collecting stops at once. */
  isFinal?: (reply: ResponseReply) => boolean;
}): Promise<ResponseReply[]> {
  const base = emulatorBase(options.emulatorUrl);
  const settleMs = options.settleMs ?? 1_500;
  const pollMs = options.pollMs ?? 150;
  const started = Date.now();
  let replies: ResponseReply[] = [];
  let lastChange = started;
  while (true) {
    const res = await fetch(`${base}/_emulator/responses/${encodeURIComponent(options.responseUrlId)}`);
    if (res.ok) {
      const body = (await res.json()) as { responseUrl?: { replies?: ResponseReply[] } };
      const latest = body.responseUrl?.replies ?? [];
      for (let i = replies.length; i < latest.length; i++) options.onReply?.(latest[i] as ResponseReply, i);
      if (latest.length > replies.length) lastChange = Date.now();
      replies = latest;
      const last = replies.at(-1);
      if (last && options.isFinal?.(last)) return replies;
    }
    const now = Date.now();
    if (now - started >= options.waitMs) return replies;
    if (replies.length > 0 && now - lastChange >= settleMs) return replies;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(pollMs, Math.max(1, options.waitMs - (now - started)))),
    );
  }
}

/** `http://host:port/api/` (a slackApiUrl) or `http://host:port` → `http://host:port`. */
export function emulatorBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/, '');
}
