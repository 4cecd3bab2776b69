import { actionSummary, type Forecast, type ForecastItem } from '@ec2ops/core/forecast';
import { JOB_CATALOG, type JobName } from '@ec2ops/core/job-catalog';

/** A forecast as text (terminal), Markdown (a pull request, a wiki) and self-contained HTML. */

const verb = (job: string, action: string): string =>
  JOB_CATALOG[job as JobName]?.verbs[action]?.done ?? `${job} ${action}`;
const usd = (n: number): string => `$${n.toFixed(2)}`;
const minute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function who(item: ForecastItem): string {
  const parts = [item.name ? `"${item.name}"` : undefined, item.owner ? `owner ${item.owner}` : undefined];
  return parts.filter(Boolean).join(', ');
}

function heading(f: Forecast): string {
  return `Forecast for stage ${f.stage} (${f.regions.join(', ')}): ${f.days} day${f.days === 1 ? '' : 's'} from ${minute(f.start)}`;
}

function savedLine(n: number): string {
  return n > 0 ? `saves ${usd(n)}/month` : 'saves nothing';
}

/** The heading, a line per day and the total: the text report's head, and the Slack summary. */
export function renderForecastSummary(f: Forecast): string {
  const lines = [heading(f), ''];
  for (const day of f.perDay) {
    lines.push(
      `Day ${day.day} (until ${minute(day.until)}): ${actionSummary(day.actions, verb)}; ${savedLine(day.savedUsdPerMonth)}` +
        `${day.failed ? `; ${day.failed} would fail` : ''}${day.approvals ? `; ${day.approvals} to approve` : ''}`,
    );
  }
  lines.push(
    '',
    `Total: ${actionSummary(f.total.actions, verb)}; ${savedLine(f.total.savedUsdPerMonth)}` +
      `${f.total.failed ? `; ${f.total.failed} would fail` : ''}`,
  );
  return lines.join('\n');
}

export function renderForecastText(f: Forecast): string {
  const lines = [renderForecastSummary(f)];
  if (f.items.length) lines.push('', 'Timeline:');
  for (const item of f.items) {
    const facts = who(item);
    lines.push(
      `  ${minute(item.at)}  ${item.job}  ${item.status === 'failed' ? `would fail to ${item.action}` : item.verb}  ` +
        `${item.region} ${item.resource}${facts ? ` (${facts})` : ''}: ${item.status === 'failed' ? item.error : item.why}` +
        `${item.savedUsdPerMonth ? `  [${usd(item.savedUsdPerMonth)}/month]` : ''}`,
    );
  }
  lines.push('', f.approvals.length ? 'An admin would be asked to:' : 'No approvals would be asked for.');
  for (const a of f.approvals) lines.push(`  day ${a.day}: ${a.ask}: ${a.region} ${a.resource}`);
  return `${lines.join('\n')}\n`;
}

/** A Markdown table cell: what a tag holds must not end the cell, open a link or inject HTML. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}

export function renderForecastMarkdown(f: Forecast): string {
  const out = [
    `# ${cell(heading(f))}`,
    '',
    '| Day | Until | Actions | Saved per month | Approvals | Failures |',
    '|---|---|---|---|---|---|',
  ];
  for (const d of f.perDay) {
    out.push(
      `| ${d.day} | ${minute(d.until)} | ${cell(actionSummary(d.actions, verb))} | ${usd(d.savedUsdPerMonth)} | ${d.approvals} | ${d.failed} |`,
    );
  }
  out.push(
    `| **Total** | | ${cell(actionSummary(f.total.actions, verb))} | ${usd(f.total.savedUsdPerMonth)} | ${f.total.approvals} | ${f.total.failed} |`,
    '',
    '## Timeline',
    '',
  );
  if (!f.items.length) out.push('Nothing would change.');
  else {
    out.push(
      '| When | Job | Action | Resource | Name | Owner | Why | Saved per month |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const i of f.items) {
      out.push(
        `| ${minute(i.at)} | ${i.job} | ${i.status === 'failed' ? `would fail to ${i.action}` : i.verb} | ${cell(`${i.region} ${i.resource}`)} | ` +
          `${cell(i.name ?? '')} | ${cell(i.owner ?? '')} | ${cell(i.status === 'failed' ? (i.error ?? '') : i.why)} | ${i.savedUsdPerMonth ? usd(i.savedUsdPerMonth) : ''} |`,
      );
    }
  }
  out.push('', '## Approvals an admin would be asked for', '');
  if (!f.approvals.length) out.push('None.');
  for (const a of f.approvals)
    out.push(`- Day ${a.day}: ${cell(a.ask)}: ${cell(`${a.region} ${a.resource}`)}`);
  return `${out.join('\n')}\n`;
}

const html = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const JOB_COLOURS: Record<string, string> = {
  'ami-bake': '#4e79a7',
  'eip-cleanup': '#f28e2b',
  'port-sweep': '#59a14f',
  'instance-reaper': '#e15759',
};

/** Stacked bars: actions per day, one colour per job. Inline SVG, so the file needs no network. */
function timelineChart(f: Forecast): string {
  const jobs = Object.keys(JOB_COLOURS);
  const perDay = f.perDay.map((d) => {
    const byJob: Record<string, number> = {};
    for (const [key, n] of Object.entries(d.actions)) {
      const job = key.split(' ')[0]!;
      byJob[job] = (byJob[job] ?? 0) + n;
    }
    return byJob;
  });
  const max = Math.max(1, ...perDay.map((d) => Object.values(d).reduce((a, b) => a + b, 0)));
  const barW = 48;
  const gap = 16;
  const h = 180;
  const left = 40;
  const width = left + f.perDay.length * (barW + gap) + 160;
  const parts: string[] = [];
  perDay.forEach((byJob, i) => {
    let y = h;
    const x = left + i * (barW + gap);
    for (const job of jobs) {
      const n = byJob[job] ?? 0;
      if (!n) continue;
      const bar = (n / max) * (h - 10);
      y -= bar;
      parts.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${bar.toFixed(1)}" fill="${JOB_COLOURS[job]}"><title>day ${i + 1}: ${n} ${html(job)}</title></rect>`,
      );
    }
    const total = Object.values(byJob).reduce((a, b) => a + b, 0);
    parts.push(
      `<text x="${x + barW / 2}" y="${Math.max(12, y - 4).toFixed(1)}" text-anchor="middle">${total}</text>`,
    );
    parts.push(`<text x="${x + barW / 2}" y="${h + 16}" text-anchor="middle">day ${i + 1}</text>`);
  });
  parts.push(
    `<line x1="${left - 4}" y1="${h}" x2="${left + f.perDay.length * (barW + gap)}" y2="${h}" stroke="#888"/>`,
  );
  jobs.forEach((job, i) => {
    const x = left + f.perDay.length * (barW + gap) + 10;
    parts.push(`<rect x="${x}" y="${10 + i * 20}" width="12" height="12" fill="${JOB_COLOURS[job]}"/>`);
    parts.push(`<text x="${x + 18}" y="${21 + i * 20}">${html(job)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="actions per day by job" width="${width}" height="${h + 30}" font-size="12" font-family="sans-serif">${parts.join('')}</svg>`;
}

export function renderForecastHtml(f: Forecast): string {
  const rows = f.perDay
    .map(
      (d) =>
        `<tr><td>${d.day}</td><td>${minute(d.until)}</td><td>${html(actionSummary(d.actions, verb))}</td><td>${usd(d.savedUsdPerMonth)}</td><td>${d.approvals}</td><td>${d.failed}</td></tr>`,
    )
    .join('');
  const items = f.items
    .map(
      (i) =>
        `<tr class="${i.status}"><td>${minute(i.at)}</td><td>${html(i.job)}</td><td>${html(i.status === 'failed' ? `would fail to ${i.action}` : i.verb)}</td>` +
        `<td><code>${html(`${i.region} ${i.resource}`)}</code></td><td>${html(i.name ?? '')}</td><td>${html(i.owner ?? '')}</td>` +
        `<td>${html(i.status === 'failed' ? (i.error ?? '') : i.why)}</td><td>${i.savedUsdPerMonth ? usd(i.savedUsdPerMonth) : ''}</td></tr>`,
    )
    .join('');
  const approvals = f.approvals.length
    ? `<ul>${f.approvals.map((a) => `<li>Day ${a.day}: ${html(a.ask)}: <code>${html(`${a.region} ${a.resource}`)}</code></li>`).join('')}</ul>`
    : '<p>None.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(heading(f))}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
tr.failed td{background:#fdecea}code{font-size:90%}</style></head>
<body><h1>${html(heading(f))}</h1>
${timelineChart(f)}
<h2>Per day</h2>
<table><tr><th>Day</th><th>Until</th><th>Actions</th><th>Saved per month</th><th>Approvals</th><th>Failures</th></tr>${rows}
<tr><th>Total</th><th></th><th>${html(actionSummary(f.total.actions, verb))}</th><th>${usd(f.total.savedUsdPerMonth)}</th><th>${f.total.approvals}</th><th>${f.total.failed}</th></tr></table>
<h2>Timeline</h2>
${f.items.length ? `<table><tr><th>When</th><th>Job</th><th>Action</th><th>Resource</th><th>Name</th><th>Owner</th><th>Why</th><th>Saved per month</th></tr>${items}</table>` : '<p>Nothing would change.</p>'}
<h2>Approvals an admin would be asked for</h2>
${approvals}
</body></html>
`;
}
