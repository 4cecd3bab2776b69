import type { Forecast } from '@ec2ops/core/forecast';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { usd, when, withNames, withoutMillis } from './format';
import { html } from './html';

type NameOf = (id: string) => string;

interface Props {
  nameOf: NameOf;
  onRun: (days: number) => Promise<Forecast>;
}

const DAY_CHOICES = [1, 3, 7, 14];

/** "3 released, 1 closed" from the day's `job action` counts, with the verb the timeline used. */
function summary(actions: Record<string, number>, forecast: Forecast): string {
  const verbOf = (key: string) => forecast.items.find((i) => `${i.job} ${i.action}` === key)?.verb ?? key;
  const parts = Object.entries(actions)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${n} ${verbOf(key)}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * The forecast on the sandbox's own account: a copy of it, run forward day by day with the jobs
 * applying; the sandbox itself (its clock, its resources) is left exactly as it is.
 */
export function ForecastPanel({ nameOf, onRun }: Props): VNode {
  const [days, setDays] = useState(7);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Forecast | undefined>();
  const [error, setError] = useState<string | undefined>();
  const run = () => {
    setRunning(true);
    setError(undefined);
    onRun(days)
      .then(setResult, (e: Error) => setError(e.message))
      .finally(() => setRunning(false));
  };
  return html`<div class="forecast">
    <div class="toolbar">
      <label>Days ahead
        <select name="forecast-days" onChange=${(e: Event) => setDays(Number((e.target as HTMLSelectElement).value))}>
          ${DAY_CHOICES.map((d) => html`<option value=${d} selected=${d === days}>${d}</option>`)}
        </select>
      </label>
      <button class="bk-button" data-forecast="run" disabled=${running} onClick=${run}>${running ? 'Forecasting…' : 'Forecast'}</button>
      <span class="muted small">runs the jobs on a copy of this account; nothing here changes</span>
    </div>
    ${error ? html`<p class="notice error">${error}</p>` : null}
    ${result ? html`<${Result} forecast=${result} nameOf=${nameOf} />` : html`<p class="empty">What will the jobs do over the coming days? Press Forecast.</p>`}
  </div>`;
}

function Result({ forecast, nameOf }: { forecast: Forecast; nameOf: NameOf }): VNode {
  return html`<div class="forecast-result">
    <h3>Per day, from ${when(forecast.start)} UTC</h3>
    <table class="forecast-days"><thead><tr><th>Day</th><th>Actions</th><th>Saves a month</th><th>To approve</th></tr></thead><tbody>
      ${forecast.perDay.map((d) => html`<tr data-day=${d.day}><td>${d.day}</td><td>${summary(d.actions, forecast)}${d.failed ? html` <span class="warn">${d.failed} would fail</span>` : null}</td><td>${usd(d.savedUsdPerMonth)}</td><td>${d.approvals || ''}</td></tr>`)}
      <tr class="total"><th>Total</th><th>${summary(forecast.total.actions, forecast)}</th><th>${usd(forecast.total.savedUsdPerMonth)}</th><th>${forecast.total.approvals || ''}</th></tr>
    </tbody></table>
    <h3>Timeline <span class="count">${forecast.items.length}</span></h3>
    ${
      forecast.items.length
        ? html`<table class="forecast-timeline"><thead><tr><th>When</th><th>Job</th><th>Action</th><th>Resource</th><th>Why</th></tr></thead><tbody>
          ${forecast.items.map(
            (
              i,
            ) => html`<tr class=${`line ${i.status}`}><td>${when(i.at)}</td><td>${i.job}</td><td>${i.status === 'failed' ? `would fail to ${i.action}` : i.verb}</td>
              <td><code>${i.resource}</code>${i.name ? html`<div>${i.name}</div>` : null}${i.owner ? html`<div class="muted small">${nameOf(i.owner)}</div>` : null}</td>
              <td>${withoutMillis(withNames(i.status === 'failed' ? (i.error ?? '') : i.why, nameOf))}${i.savedUsdPerMonth ? html` <span class="money">saves ${usd(i.savedUsdPerMonth)}/month</span>` : null}</td></tr>`,
          )}
        </tbody></table>`
        : html`<p class="muted">Nothing would change.</p>`
    }
    <h3>An admin would be asked <span class="count">${forecast.approvals.length}</span></h3>
    ${forecast.approvals.length ? html`<ul>${forecast.approvals.map((a) => html`<li>Day ${a.day}: ${a.ask}: <code>${a.resource}</code></li>`)}</ul>` : html`<p class="muted">Nothing.</p>`}
  </div>`;
}
