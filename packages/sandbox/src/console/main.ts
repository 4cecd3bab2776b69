import { render, type VNode } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Account } from './account';
import type { AccountDelta } from './account-delta';
import {
  type AccountFilter,
  type AccountPage,
  type AccountQuery,
  NO_FILTER,
  patchPage,
  type TableName,
} from './account-query';
import { AlarmControl } from './alarm-control';
import { api, watch } from './api';
import type { ActionEvent, Json } from './blocks';
import { Channel, type Notice } from './channel';
import { Clock } from './clock';
import { ForecastPanel } from './forecast';
import { html } from './html';
import { Jobs } from './jobs';
import { Confirm, Modal } from './modal';
import { oneAtATime } from './one-at-a-time';
import { type NameOf, TextObject } from './text';
import type { ConsoleMessage, ConsoleState, SendResult } from './types';

const ME_KEY = 'ec2ops.console.user';
type Tab = 'account' | 'jobs' | 'forecast' | 'audit';

function App(): VNode {
  const [me, setMe] = useState(() => localStorage.getItem(ME_KEY) ?? 'UOPERATOR');
  const [snapshot, setSnapshot] = useState<ConsoleState | undefined>();
  const [account, setAccount] = useState<AccountPage | undefined>();
  const [channelId, setChannelId] = useState<string | undefined>();
  const [tab, setTab] = useState<Tab>('account');
  const [notices, setNotices] = useState<Notice[]>([]);
  const [confirm, setConfirm] = useState<{ dialog: Json; proceed: () => void } | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  // One state request at a time; changes announced meanwhile cause exactly one more.
  const who = useRef(me);
  who.current = me;
  const refresh = useMemo(
    () =>
      oneAtATime((again) => {
        const user = who.current;
        return api
          .state(user)
          .then((s) => {
            // A state for someone the person has switched away from is not shown.
            if (user !== who.current) again();
            else setSnapshot(s);
            setFailure(undefined);
          })
          .catch((error: Error) => setFailure(error.message));
      }),
    [],
  );

  // The account arrives as one page of each table (the sandbox filters and pages), then as
  // deltas patching the rows shown; a delta that may change more than those rows makes the page
  // ask for its page again, and one that does not follow the version held makes it resync.
  const held = useRef<AccountPage | undefined>(undefined);
  const buffered = useRef<AccountDelta[] | undefined>(undefined);
  const query = useRef<AccountQuery>({ filter: NO_FILTER, pages: {} });
  const [filter, setFilter] = useState<AccountFilter>(NO_FILTER);
  const hold = (next: AccountPage) => {
    held.current = next;
    setAccount(next);
  };
  const requery = useMemo(
    () =>
      oneAtATime((again) => {
        const asked = query.current;
        return api
          .account(asked)
          .then((page) => {
            const current = held.current;
            // A page for another query, or older than deltas already applied, is asked for again.
            if (asked !== query.current || (current && page.version < current.version)) again();
            else hold(page);
          })
          .catch((error: Error) => setFailure(error.message));
      }),
    [],
  );
  const soon = useRef<number | undefined>(undefined);
  const requerySoon = useCallback(() => {
    if (soon.current !== undefined) return;
    soon.current = window.setTimeout(() => {
      soon.current = undefined;
      requery();
    }, 100);
  }, [requery]);
  const filtering = () => Object.values(query.current.filter).some(Boolean);
  const loadAccount = useCallback(() => {
    if (buffered.current) return;
    buffered.current = [];
    const user = who.current;
    api
      .snapshot(user, query.current)
      .then((s) => {
        let next = s.account;
        let stale = false;
        for (const d of buffered.current ?? []) {
          if (d.from !== next.version) continue;
          const patched = patchPage(next, d, filtering());
          next = patched.page;
          stale ||= patched.stale;
        }
        hold(next);
        if (stale) requerySoon();
        if (user === who.current) setSnapshot(s);
        setFailure(undefined);
      })
      .catch((error: Error) => setFailure(error.message))
      .finally(() => {
        buffered.current = undefined;
      });
  }, [requerySoon]);
  const onAccount = useCallback(
    (delta: AccountDelta) => {
      if (buffered.current) {
        buffered.current.push(delta);
        return;
      }
      const current = held.current;
      if (!current || delta.version <= current.version) return;
      if (delta.from !== current.version) return loadAccount();
      const { page, stale } = patchPage(current, delta, filtering());
      hold(page);
      if (stale) requerySoon();
    },
    [loadAccount, requerySoon],
  );
  const onFilter = useCallback(
    (next: AccountFilter) => {
      query.current = { filter: next, pages: {} };
      setFilter(next);
      requery();
    },
    [requery],
  );
  const onPage = useCallback(
    (table: TableName, page: number) => {
      query.current = { ...query.current, pages: { ...query.current.pages, [table]: page } };
      requery();
    },
    [requery],
  );
  useEffect(
    () => watch({ onChange: refresh, onAccount, onConnect: loadAccount }),
    [refresh, onAccount, loadAccount],
  );
  useEffect(() => loadAccount(), [loadAccount]);
  useEffect(() => refresh(), [me, refresh]);

  const users = snapshot?.users ?? [];
  const nameOf = useCallback(
    (id: string) =>
      users.find((u) => u.id === id)?.realName ?? snapshot?.channels.find((c) => c.id === id)?.name ?? id,
    [users, snapshot?.channels],
  );
  const user = users.find((u) => u.id === me) ?? users[0];
  const channels = snapshot?.channels ?? [];
  const channel =
    channels.find((c) => c.id === channelId) ?? channels.find((c) => c.purpose === 'commands') ?? channels[0];
  const audit = channels.find((c) => c.purpose === 'audit');

  const note = (channel: string, result: SendResult) => {
    const text = result.error ?? result.ack;
    if (!text) return;
    setNotices((n) => [
      ...n,
      { id: Date.now() + Math.random(), channel, at: Date.now(), text, error: Boolean(result.error) },
    ]);
  };
  const report = (channel: string) => (error: Error) => note(channel, { status: 0, error: error.message });

  const ctx = useMemo(
    () => ({ nameOf, confirm: (dialog: Json, proceed: () => void) => setConfirm({ dialog, proceed }) }),
    [nameOf],
  );

  if (!snapshot || !account || !user || !channel) {
    return html`<main class="loading">${failure ? html`<p class="notice error">${failure}</p>` : 'Starting the sandbox console…'}</main>`;
  }

  const onAction = (message: ConsoleMessage, event: ActionEvent) =>
    api
      .action({
        user: me,
        channel: message.channel,
        messageTs: message.ts,
        ephemeral: message.ephemeral,
        ...event,
      })
      .then((r) => note(message.channel, r), report(message.channel))
      .finally(refresh);
  const view = snapshot.views[0];
  const switchUser = (id: string) => {
    localStorage.setItem(ME_KEY, id);
    setMe(id);
    setNotices([]);
  };

  return html`<div class="app">
    <header class="topbar">
      <h1>ec2ops <span>sandbox</span></h1>
      <span class="muted small">stage <code>${snapshot.stage}</code>${snapshot.signingSecret === 'development' ? ' · development signing secret' : ''}</span>
      ${failure ? html`<span class="offline" title=${failure}>sandbox unreachable — retrying</span>` : null}
      <${Clock} now=${snapshot.now} offsetMs=${snapshot.clockOffsetMs} onAdvance=${(ms: number) => api.advanceClock(ms).then(refresh, report(channel.id))} />
      <${AlarmControl} onFire=${(state: 'ALARM' | 'OK') => api.fireAlarm(state).then(refresh, report(channel.id))} />
      <label class="who">You are
        <select name="user" onChange=${(e: Event) => switchUser((e.target as HTMLSelectElement).value)}>
          ${users.map((u) => html`<option value=${u.id} selected=${u.id === user.id}>${u.realName} — ${u.role ?? 'no role'}</option>`)}
        </select>
      </label>
    </header>
    <nav class="sidebar">
      <h2>Channels</h2>
      ${channels.map(
        (
          c,
        ) => html`<button class=${`chan ${c.id === channel.id ? 'active' : ''}`} data-channel=${c.name} onClick=${() => setChannelId(c.id)}>
        # ${c.name}<span class="chan-count">${snapshot.messages[c.id]?.length || ''}</span>
      </button>`,
      )}
      <h2>People</h2>
      ${users.map((u) => html`<div class=${`person ${u.id === user.id ? 'me' : ''}`}><span class="dot"></span>${u.realName}<span class="muted small"> ${u.role ?? ''}</span></div>`)}
    </nav>
    <${Channel}
      channel=${channel}
      messages=${snapshot.messages[channel.id] ?? []}
      notices=${notices.filter((n) => n.channel === channel.id)}
      users=${users}
      me=${user}
      ctx=${ctx}
      compose=${channel.purpose !== 'audit'}
      onSend=${(text: string) =>
        api
          .command(me, channel.id, text)
          .then((r) => note(channel.id, r), report(channel.id))
          .finally(refresh)}
      onAction=${onAction}
    />
    <aside class="panel">
      <div class="tabs">
        ${(['account', 'jobs', 'forecast', 'audit'] as Tab[]).map((t) => html`<button class=${`tab ${t === tab ? 'active' : ''}`} data-tab=${t} onClick=${() => setTab(t)}>${t}</button>`)}
      </div>
      <div class="panel-body">
        ${tab === 'account' ? html`<${Account} account=${account} filter=${filter} now=${Date.parse(snapshot.now)} nameOf=${nameOf} onFilter=${onFilter} onPage=${onPage} />` : null}
        ${
          tab === 'jobs'
            ? html`<${Jobs} jobs=${snapshot.jobs} queue=${snapshot.queue} nameOf=${nameOf}
              onRun=${(job: string, dryRun: boolean) => api.runJob(job, dryRun).then(refresh, report(channel.id))}
              onSettings=${(s: { dryRunOverride?: boolean | null; paused?: boolean }) => api.jobSettings(s).then(refresh, report(channel.id))} />`
            : null
        }
        ${tab === 'forecast' ? html`<${ForecastPanel} nameOf=${nameOf} onRun=${api.forecast} />` : null}
        ${tab === 'audit' ? html`<${AuditFeed} messages=${audit ? (snapshot.messages[audit.id] ?? []) : []} nameOf=${nameOf} />` : null}
      </div>
    </aside>
    ${
      view
        ? html`<${Modal} key=${view.id} open=${view} ctx=${ctx}
          onClose=${() => api.closeView(me, view.id).finally(refresh)}
          onAction=${(event: ActionEvent) => api.action({ user: me, channel: channel.id, viewId: view.id, ...event }).finally(refresh)}
          onSubmit=${(values: Record<string, Record<string, Json>>) =>
            api.submit({ user: me, viewId: view.id, values }).then(
              (r) => {
                refresh();
                return r.error;
              },
              (e: Error) => e.message,
            )} />`
        : null
    }
    ${
      confirm
        ? html`<${Confirm} dialog=${confirm.dialog} nameOf=${nameOf} onDone=${(ok: boolean) => {
            setConfirm(undefined);
            if (ok) confirm.proceed();
          }} />`
        : null
    }
  </div>`;
}

/** The audit channel, newest first; entries are mrkdwn like any Slack message. */
function AuditFeed({ messages, nameOf }: { messages: ConsoleMessage[]; nameOf: NameOf }): VNode {
  if (!messages.length)
    return html`<p class="empty">No audit entries yet. Every request, decision and outcome lands here.</p>`;
  return html`<ol class="audit">${[...messages].reverse().map((m) => html`<li><span class="muted small">${new Date(Number(m.ts) * 1000).toISOString().slice(5, 16).replace('T', ' ')}</span> <${TextObject} text=${{ type: 'mrkdwn', text: m.text }} nameOf=${nameOf} /></li>`)}</ol>`;
}

render(html`<${App} />`, document.getElementById('app')!);
