import type { VNode } from 'preact';
import { duration, timeLeft, usd, when } from './format';
import { html } from './html';
import type { AccountView } from './types';

type NameOf = (id: string) => string;

function Table({
  title,
  count,
  head,
  rows,
  empty,
}: {
  title: string;
  count: number;
  head: string[];
  rows: VNode[];
  empty: string;
}): VNode {
  return html`<section class="panel-section">
    <h3>${title} <span class="count">${count}</span></h3>
    ${
      rows.length
        ? html`<table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`
        : html`<p class="empty">${empty}</p>`
    }
  </section>`;
}

const stateClass = (state: string) => `pill state-${state.replace(/[^a-z-]/g, '')}`;

/** The live account: what EC2 (the emulator) describes right now, as ec2ops' tags explain it. */
export function Account({ account, nameOf }: { account: AccountView; nameOf: NameOf }): VNode {
  const live = account.instances.filter((i) => i.state !== 'terminated');
  const gone = account.instances.length - live.length;
  const many = account.regions.length > 1;
  const where = (region: string) => (many ? html`<span class="region">${region}</span>` : null);
  return html`<div class="account">
    ${account.error ? html`<p class="notice error">Cannot read EC2: ${account.error}</p>` : null}
    <${Table}
      title="Instances" count=${live.length} empty="No instances."
      head=${['Instance', 'State', 'Type', 'Owner', 'Time left', 'Tags']}
      rows=${live.map(
        (i) => html`<tr data-id=${i.id}>
        <td><code>${i.id}</code><div class="muted">${i.name ?? ''}${where(i.region)}</div></td>
        <td><span class=${stateClass(i.state)}>${i.state}</span></td>
        <td>${i.type}</td>
        <td>${i.owner ? nameOf(i.owner) : html`<span class="muted">—</span>`}</td>
        <td class=${i.timeLeftMs !== undefined && i.timeLeftMs <= 0 ? 'warn' : ''}>${timeLeft(i.timeLeftMs)}</td>
        <td>${i.managed ? html`<span class="pill">managed</span>` : null}${i.bake ? html`<span class="pill">bake</span>` : null}</td>
      </tr>`,
      )}
    />
    ${gone ? html`<p class="muted small">${gone} terminated instance${gone === 1 ? '' : 's'} hidden.</p>` : null}
    <${Table}
      title="Images" count=${account.images.length} empty="No images."
      head=${['Image', 'Source', 'Approved', 'In use', 'Created']}
      rows=${account.images.map(
        (img) => html`<tr data-id=${img.id}>
        <td><code>${img.id}</code><div class="muted">${img.name}${where(img.region)}</div></td>
        <td>${img.source === 'baked' ? html`baked from <code>${img.sourceInstance}</code>` : img.source === 'alias' ? html`alias <strong>${img.alias}</strong>` : 'registered'}${img.state !== 'available' ? html` <span class=${stateClass(img.state)}>${img.state}</span>` : null}</td>
        <td>${img.approved ? '✓' : ''}${img.keep ? html` <span class="pill">keep</span>` : null}</td>
        <td>${img.usedBy.length ? `${img.usedBy.length} instance${img.usedBy.length === 1 ? '' : 's'}` : html`<span class="muted">no</span>`}</td>
        <td>${when(img.createdAt)}</td>
      </tr>`,
      )}
    />
    <${Table}
      title="Security-group rules" count=${account.rules.length} empty="No inbound rules."
      head=${['Group', 'Rule', 'Source', 'Owner', 'Time left']}
      rows=${account.rules.map(
        (r) => html`<tr data-id=${r.ruleId} class=${r.temporary ? 'temporary' : ''}>
        <td>${r.groupName}<div class="muted"><code>${r.groupId}</code>${where(r.region)}</div></td>
        <td>${r.protocol} ${r.ports}${r.temporary ? html` <span class="pill">temporary</span>` : null}</td>
        <td><code>${r.source}</code></td>
        <td>${r.owner ? nameOf(r.owner) : html`<span class="muted">—</span>`}</td>
        <td class=${r.timeLeftMs !== undefined && r.timeLeftMs <= 0 ? 'warn' : ''}>${r.temporary ? timeLeft(r.timeLeftMs) : html`<span class="muted">permanent</span>`}</td>
      </tr>`,
      )}
    />
    <p class="muted small">On-request groups: ${
      account.groups
        .filter((g) => g.onRequest)
        .map((g) => g.name)
        .join(', ') || 'none'
    }</p>
    <${Table}
      title="Elastic IPs" count=${account.addresses.length} empty="No Elastic IPs."
      head=${['Address', 'Associated', 'Idle for', 'Idle cost']}
      rows=${account.addresses.map(
        (a) => html`<tr data-id=${a.allocationId}>
        <td><code>${a.publicIp}</code><div class="muted">${a.allocationId}${where(a.region)}</div></td>
        <td>${a.instanceId ? html`<code>${a.instanceId}</code>` : html`<span class="muted">idle</span>`}${a.keep ? html` <span class="pill">keep</span>` : null}</td>
        <td>${a.idleMs !== undefined ? duration(a.idleMs) : a.instanceId ? '—' : html`<span class="muted">not marked yet</span>`}</td>
        <td>${usd(a.idleCostUsd)}</td>
      </tr>`,
      )}
    />
  </div>`;
}
