import type { VNode } from 'preact';
import { when, withNames, withoutMillis } from './format';
import { html } from './html';
import type { JobRunRecord, JobsView, QueueView } from './types';

type NameOf = (id: string) => string;

interface Props {
  jobs: JobsView;
  nameOf: NameOf;
  queue: QueueView;
  onRun: (job: string, dryRun: boolean) => void;
  onSettings: (settings: { dryRunOverride?: boolean | null; paused?: boolean }) => void;
}

/** A report's own words for people: names instead of user ids, times without milliseconds. */
const readable = (text: string, nameOf: NameOf) => withoutMillis(withNames(text, nameOf));

/** A line's detail, unless it only repeats its status ("closed" next to "closed"). */
const detail = (status: string, message: string) =>
  message.trim().toLowerCase() === status.trim().toLowerCase() ? '' : message;

function Run({ run, nameOf }: { run: JobRunRecord; nameOf: NameOf }): VNode {
  const report = run.report;
  const status =
    run.status === 'running'
      ? 'running…'
      : run.status === 'failed'
        ? 'failed'
        : report?.counts.failed
          ? 'partly failed'
          : 'ok';
  return html`<details class=${`run ${run.status}`} data-job=${run.job}>
    <summary>
      <span class="run-job">${run.job}</span>
      <span class=${`pill ${run.dryRun ? 'dry' : 'apply'}`}>${run.dryRun ? 'dry run' : 'apply'}</span>
      <span class="muted">${run.trigger}${run.coalesced ? ` (+${run.coalesced} folded)` : ''} · ${when(run.now)}</span>
      <span class=${`run-status ${status.replace(/\W/g, '')}`}>${status}</span>
      ${report ? html`<span class="muted">${report.counts.planned} planned · ${report.counts.done} done · ${report.counts.failed} failed · ${report.counts.skipped} skipped</span>` : null}
    </summary>
    ${run.error ? html`<p class="notice error">${run.error}</p>` : null}
    ${
      report
        ? html`<div class="report">
          ${
            report.lines.length
              ? html`<table><thead><tr><th>Resource</th><th>Action</th><th>Status</th><th>Why / what</th></tr></thead><tbody>
                ${report.lines.map((l) => html`<tr class=${`line ${l.status}`}><td><code>${l.resource}</code></td><td>${l.action}</td><td>${l.status}</td><td>${readable(detail(l.status, l.message), nameOf)}</td></tr>`)}
              </tbody></table>`
              : html`<p class="muted">Nothing to do.</p>`
          }
          ${report.money.map((m) => html`<p class="money">${m.label}: <strong>$${m.usdPerMonth.toFixed(2)}</strong> a month${m.detail ? ` (${readable(m.detail, nameOf)})` : ''}</p>`)}
          ${report.sections.map((s) => html`<div class="report-section"><h4>${s.title}</h4><ul>${s.lines.map((line) => html`<li>${readable(line, nameOf)}</li>`)}</ul></div>`)}
          ${report.regionFailures.map((f) => html`<p class="notice error">${f.region}: ${f.code} ${f.message}</p>`)}
        </div>`
        : null
    }
  </details>`;
}

/** Scheduled jobs: when each runs next, "run now", the dry-run toggle, and every run's plan and report. */
export function Jobs({ jobs, queue, nameOf, onRun, onSettings }: Props): VNode {
  const override = jobs.dryRunOverride;
  return html`<div class="jobs">
    <div class="toolbar">
      <label title="Overrides the stage config for scheduled runs and Run now">
        <input type="checkbox" name="dry-run" checked=${override ?? jobs.jobs.every((j) => j.configDryRun)}
          onChange=${(e: Event) => onSettings({ dryRunOverride: (e.target as HTMLInputElement).checked })} />
        Dry run
      </label>
      ${override !== null ? html`<button class="link" onClick=${() => onSettings({ dryRunOverride: null })}>use stage config</button>` : html`<span class="muted small">(stage config)</span>`}
      <label><input type="checkbox" name="paused" checked=${jobs.paused} onChange=${(e: Event) => onSettings({ paused: (e.target as HTMLInputElement).checked })} /> Pause schedules</label>
    </div>
    <table class="job-table"><thead><tr><th>Job</th><th>Schedule</th><th>Next run</th><th></th></tr></thead><tbody>
      ${jobs.jobs.map((job) => {
        const dryRun = override ?? job.configDryRun;
        return html`<tr data-job=${job.name}>
          <td><strong>${job.name}</strong><div class="muted small">${job.description}</div></td>
          <td><code>${job.schedule}</code>${job.timeZone !== 'UTC' ? html`<div class="muted">${job.timeZone}</div>` : null}</td>
          <td>${job.enabled ? when(job.nextRunAt) : html`<span class="muted">disabled</span>`}</td>
          <td><button class="bk-button" data-run=${job.name} onClick=${() => onRun(job.name, dryRun)}>Run now${dryRun ? ' (dry)' : ''}</button></td>
        </tr>`;
      })}
    </tbody></table>
    <p class="muted small queue" data-dead-letters=${queue.deadLetters}>
      Command queue: ${queue.waiting} waiting · ${queue.inFlight} with the worker${' · '}<span
        class=${queue.deadLetters ? 'warn' : ''}>${queue.deadLetters} in the dead-letter queue</span>
    </p>
    <h3>Runs <span class="count">${jobs.runs.length}</span></h3>
    ${jobs.runs.length ? jobs.runs.map((run) => html`<${Run} key=${run.id} run=${run} nameOf=${nameOf} />`) : html`<p class="empty">No runs yet. Run a job, or move the clock.</p>`}
  </div>`;
}
