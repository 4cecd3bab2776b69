import type { ConsoleAction, ConsoleSnapshot, ConsoleSubmit, JobRunRecord, SendResult } from './types';

/** The console's only way to the sandbox: JSON over /console/api, plus a stream of change topics. */
async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/console/api/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}

export const api = {
  snapshot: (user: string) => call<ConsoleSnapshot>('GET', `snapshot?user=${encodeURIComponent(user)}`),
  command: (user: string, channel: string, text: string) =>
    call<SendResult>('POST', 'command', { user, channel, text }),
  action: (action: ConsoleAction) => call<SendResult>('POST', 'action', action),
  submit: (submit: ConsoleSubmit) => call<SendResult>('POST', 'submit', submit),
  closeView: (user: string, viewId: string) => call<{ ok: boolean }>('POST', 'views/close', { user, viewId }),
  runJob: (job: string, dryRun: boolean) => call<JobRunRecord>('POST', `jobs/${job}/run`, { dryRun }),
  jobSettings: (settings: { dryRunOverride?: boolean | null; paused?: boolean }) =>
    call<{ ok: boolean }>('POST', 'jobs/settings', settings),
  advanceClock: (ms: number) => call<{ now: string }>('POST', 'clock/advance', { ms }),
};

/**
 * Calls `onChange` whenever the sandbox says something changed (Server-Sent Events), and every
 * few seconds regardless, so the view also follows time passing and recovers from a dropped stream.
 */
export function watch(onChange: () => void, fallbackMs = 3000): () => void {
  let source: EventSource | undefined;
  let pending: number | undefined;
  const soon = () => {
    if (pending !== undefined) return;
    pending = window.setTimeout(() => {
      pending = undefined;
      onChange();
    }, 60);
  };
  const connect = () => {
    source = new EventSource('/console/api/events');
    source.onmessage = soon;
    source.onerror = () => {
      source?.close();
      window.setTimeout(connect, 1000);
    };
  };
  connect();
  const timer = window.setInterval(onChange, fallbackMs);
  return () => {
    source?.close();
    window.clearInterval(timer);
  };
}
