import type { VNode } from 'preact';
import { type AccountFilter, type AccountPage, PAGE_SIZE, type TableName } from './account-query';
import { duration, timeLeft, usd, when } from './format';
import { html } from './html';
import type { AddressRow, ImageRow, InstanceRow, RuleRow } from './types';

type NameOf = (id: string) => string;

function Table<T>({
  title,
  name,
  rows,
  total,
  page,
  onPage,
  head,
  row,
  empty,
}: {
  title: string;
  name: TableName;
  rows: T[];
  total: number;
  page: number;
  onPage: (table: TableName, page: number) => void;
  head: string[];
  row: (item: T) => VNode;
  empty: string;
}): VNode {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return html`<section class="panel-section" data-table=${name}>
    <h3>${title} <span class="count">${total}</span></h3>
    ${
      rows.length
        ? html`<table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(row)}</tbody></table>`
        : html`<p class="empty">${empty}</p>`
    }
    ${
      pages > 1
        ? html`<div class="pager">
          <button type="button" data-page="prev" disabled=${page === 0} onClick=${() => onPage(name, page - 1)}>‹ Previous</button>
          <span class="muted small page-of">${page * PAGE_SIZE + 1}–${page * PAGE_SIZE + rows.length} of ${total}</span>
          <button type="button" data-page="next" disabled=${page >= pages - 1} onClick=${() => onPage(name, page + 1)}>Next ›</button>
        </div>`
        : null
    }
  </section>`;
}

const stateClass = (state: string) => `pill state-${state.replace(/[^a-z-]/g, '')}`;

/**
 * The live account: what EC2 (the emulator) describes right now, as ec2ops' tags explain it. The
 * sandbox filters and pages it; the page holds one page of each table.
 */
export function Account({
  account,
  filter: f,
  now,
  nameOf,
  onFilter,
  onPage,
}: {
  account: AccountPage;
  filter: AccountFilter;
  now: number;
  nameOf: NameOf;
  onFilter: (filter: AccountFilter) => void;
  onPage: (table: TableName, page: number) => void;
}): VNode {
  const set = (key: keyof AccountFilter) => (e: Event) =>
    onFilter({ ...f, [key]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  // Time left and idle cost follow the sandbox clock, not the moment EC2 was last read.
  const left = (expiresAt: string | undefined) => (expiresAt ? Date.parse(expiresAt) - now : undefined);
  const gone = account.terminated;
  const { owners, states } = account;
  const paged = (table: TableName) => ({ total: account.totals[table], page: account.pages[table], onPage });
  const many = account.regions.length > 1;
  const accounts = account.accounts ?? [];
  const where = (region: string) => (many ? html`<span class="region">${region}</span>` : null);
  // The account column: shown when the console shows several accounts.
  const accountCell = (label: string | undefined) =>
    accounts.length > 1 ? html`<td><span class="pill account">${label ?? ''}</span></td>` : null;
  const withAccount = (head: string[]) => (accounts.length > 1 ? ['Account', ...head] : head);
  const price = account.ipv4PricePerHour;
  return html`<div class="account">
    ${account.error ? html`<p class="notice error">Cannot read EC2: ${account.error}</p>` : null}
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <input type="search" name="search" placeholder="Search id, name, address, owner…" value=${f.search} onInput=${set('search')} />
      ${
        accounts.length > 1
          ? html`<select name="account" onChange=${set('account')}><option value="">all accounts</option>${accounts.map((a) => html`<option value=${a} selected=${a === f.account}>${a}</option>`)}</select>`
          : null
      }
      ${
        many
          ? html`<select name="region" onChange=${set('region')}><option value="">all regions</option>${account.regions.map((r) => html`<option value=${r} selected=${r === f.region}>${r}</option>`)}</select>`
          : null
      }
      <select name="owner" onChange=${set('owner')}><option value="">any owner</option>${owners.map((o) => html`<option value=${o} selected=${o === f.owner}>${nameOf(o)}</option>`)}</select>
      <select name="state" onChange=${set('state')}><option value="">any state</option>${states.map((st) => html`<option value=${st} selected=${st === f.state}>${st}</option>`)}</select>
    </form>
    <${Table}
      title="Instances" name="instances" rows=${account.instances} ...${paged('instances')} empty=${account.totals.instances || f.search || f.owner || f.state || f.region || f.account ? 'No instance matches.' : 'No instances.'}
      head=${withAccount(['Instance', 'State', 'Type', 'Owner', 'Time left', 'Tags'])}
      row=${(i: InstanceRow) => {
        const ms = left(i.expiresAt);
        return html`<tr key=${`${i.account ?? ''}/${i.id}`} data-id=${i.id}>
        ${accountCell(i.account)}<td><code>${i.id}</code><div class="muted">${i.name ?? ''}${where(i.region)}</div></td>
        <td><span class=${stateClass(i.state)}>${i.state}</span></td>
        <td>${i.type}</td>
        <td>${i.owner ? nameOf(i.owner) : html`<span class="muted">—</span>`}</td>
        <td class=${ms !== undefined && ms <= 0 ? 'warn' : ''}>${timeLeft(ms)}</td>
        <td>${i.managed ? html`<span class="pill">managed</span>` : null}${i.bake ? html`<span class="pill">bake</span>` : null}</td>
      </tr>`;
      }}
    />
    ${gone ? html`<p class="muted small">${gone} terminated instance${gone === 1 ? '' : 's'} hidden.</p>` : null}
    <${Table}
      title="Images" name="images" rows=${account.images} ...${paged('images')} empty="No images."
      head=${withAccount(['Image', 'Source', 'Approved', 'In use', 'Created'])}
      row=${(
        img: ImageRow,
      ) => html`<tr key=${`${img.account ?? ''}/${img.region}/${img.id}/${img.alias ?? ''}`} data-id=${img.id}>
        ${accountCell(img.account)}<td><code>${img.id}</code><div class="muted">${img.name}${where(img.region)}</div></td>
        <td>${img.source === 'baked' ? html`baked from <code>${img.sourceInstance}</code>` : img.source === 'alias' ? html`alias <strong>${img.alias}</strong>` : 'registered'}${img.state !== 'available' ? html` <span class=${stateClass(img.state)}>${img.state}</span>` : null}</td>
        <td>${img.approved ? '✓' : ''}${img.keep ? html` <span class="pill">keep</span>` : null}</td>
        <td>${img.inUse ? `${img.inUse} instance${img.inUse === 1 ? '' : 's'}` : html`<span class="muted">no</span>`}</td>
        <td>${when(img.createdAt)}</td>
      </tr>`}
    />
    <${Table}
      title="Security-group rules" name="rules" rows=${account.rules} ...${paged('rules')} empty="No inbound rules."
      head=${withAccount(['Group', 'Rule', 'Source', 'Owner', 'Time left'])}
      row=${(r: RuleRow) => {
        const ms = left(r.expiresAt);
        return html`<tr key=${`${r.account ?? ''}/${r.ruleId}`} data-id=${r.ruleId} class=${r.temporary ? 'temporary' : ''}>
        ${accountCell(r.account)}<td>${r.groupName}<div class="muted"><code>${r.groupId}</code>${where(r.region)}</div></td>
        <td>${r.protocol} ${r.ports}${r.temporary ? html` <span class="pill">temporary</span>` : null}</td>
        <td><code>${r.source}</code></td>
        <td>${r.owner ? nameOf(r.owner) : html`<span class="muted">—</span>`}</td>
        <td class=${ms !== undefined && ms <= 0 ? 'warn' : ''}>${r.temporary ? timeLeft(ms) : html`<span class="muted">permanent</span>`}</td>
      </tr>`;
      }}
    />
    <p class="muted small">On-request groups: ${
      account.groups
        .filter((g) => g.onRequest)
        .map((g) => g.name)
        .join(', ') || 'none'
    }</p>
    <${Table}
      title="Elastic IPs" name="addresses" rows=${account.addresses} ...${paged('addresses')} empty="No Elastic IPs."
      head=${withAccount(['Address', 'Associated', 'Idle for', 'Idle cost'])}
      row=${(a: AddressRow) => {
        const idleMs = a.idleSince ? Math.max(0, now - Date.parse(a.idleSince)) : undefined;
        const cost =
          idleMs !== undefined && price !== undefined ? (idleMs / 3_600_000) * price : a.idleCostUsd;
        return html`<tr key=${`${a.account ?? ''}/${a.allocationId}`} data-id=${a.allocationId}>
        ${accountCell(a.account)}<td><code>${a.publicIp}</code><div class="muted">${a.allocationId}${where(a.region)}</div></td>
        <td>${a.instanceId ? html`<code>${a.instanceId}</code>` : html`<span class="muted">idle</span>`}${a.keep ? html` <span class="pill">keep</span>` : null}</td>
        <td>${idleMs !== undefined ? duration(idleMs) : a.instanceId ? '—' : html`<span class="muted">not marked yet</span>`}</td>
        <td>${usd(cost)}</td>
      </tr>`;
      }}
    />
  </div>`;
}
