import type { Forecast } from '@ec2ops/core/forecast';
import type { AccountDelta } from './account-delta';
import { type AccountPage, type AccountQuery, queryToParams } from './account-query';
import type {
  ConsoleAction,
  ConsoleSnapshot,
  ConsoleState,
  ConsoleSubmit,
  JobRunRecord,
  SendResult,
} from './types';

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
  /** The small state with one page of each table, for a first render or a resync. */
  snapshot: (user: string, query: AccountQuery) =>
    call<ConsoleSnapshot>('GET', `snapshot?user=${encodeURIComponent(user)}&${queryToParams(query)}`),
  /** One page of each table, filtered (the sandbox filters and pages). */
  account: (query: AccountQuery) => call<AccountPage>('GET', `account?${queryToParams(query)}`),
  state: (user: string) => call<ConsoleState>('GET', `state?user=${encodeURIComponent(user)}`),
  command: (user: string, channel: string, text: string) =>
    call<SendResult>('POST', 'command', { user, channel, text }),
  action: (action: ConsoleAction) => call<SendResult>('POST', 'action', action),
  submit: (submit: ConsoleSubmit) => call<SendResult>('POST', 'submit', submit),
  closeView: (user: string, viewId: string) => call<{ ok: boolean }>('POST', 'views/close', { user, viewId }),
  runJob: (job: string, dryRun: boolean) => call<JobRunRecord>('POST', `jobs/${job}/run`, { dryRun }),
  jobSettings: (settings: { dryRunOverride?: boolean | null; paused?: boolean }) =>
    call<{ ok: boolean }>('POST', 'jobs/settings', settings),
  advanceClock: (ms: number) => call<{ now: string }>('POST', 'clock/advance', { ms }),
  /** The sandbox's test alarm into the alarm topic (runner/alarms.ts), as CloudWatch would publish it. */
  fireAlarm: async (state: 'ALARM' | 'OK') => {
    const response = await fetch('/_emulator/alarm', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state }),
    });
    if (!response.ok)
      throw new Error(((await response.json()) as { message?: string }).message ?? `HTTP ${response.status}`);
  },
  forecast: (days: number) => call<Forecast>('POST', 'forecast', { days }),
};

/** What the event stream tells the page. */
export interface Watchers {
  /** Something changed (messages, views, jobs, the clock): fetch the small state again. */
  onChange: () => void;
  /** The account changed by this much. */
  onAccount: (delta: AccountDelta) => void;
  /** The stream (re)connected: deltas may have been missed, so fetch the account whole. */
  onConnect: () => void;
}

/**
 * Listens to the sandbox's Server-Sent Events, and fetches the small state every few seconds
 * regardless, so the view also follows time passing and recovers from a dropped stream.
 */
export function watch(w: Watchers, fallbackMs = 3000): () => void {
  let source: EventSource | undefined;
  let pending: number | undefined;
  let dropped = false;
  const soon = () => {
    if (pending !== undefined) return;
    pending = window.setTimeout(() => {
      pending = undefined;
      w.onChange();
    }, 60);
  };
  const connect = () => {
    source = new EventSource('/console/api/events');
    source.onopen = () => {
      if (dropped) w.onConnect();
      dropped = false;
    };
    source.onmessage = soon;
    source.addEventListener('account', (e) => w.onAccount(JSON.parse((e as MessageEvent<string>).data)));
    source.onerror = () => {
      dropped = true;
      source?.close();
      window.setTimeout(connect, 1000);
    };
  };
  connect();
  const timer = window.setInterval(w.onChange, fallbackMs);
  return () => {
    source?.close();
    window.clearInterval(timer);
  };
}
