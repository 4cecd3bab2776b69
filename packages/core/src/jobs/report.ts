import type {
  ActionCounts,
  ActionVerbs,
  ApiUsage,
  ItemResult,
  JobReport,
  MoneyFigure,
  RegionPlan,
  ReportLine,
  ReportSection,
} from './types';

/** What the report is built from: the run's own facts as the report states them, and its parts. */
export interface ReportInput
  extends Pick<
    JobReport,
    'job' | 'stage' | 'dryRun' | 'now' | 'startedAt' | 'finishedAt' | 'regions' | 'verbs' | 'regionFailures'
  > {
  plans: RegionPlan[];
  /** Apply results; ignored on a dry run (every item is then `planned`). */
  results: ItemResult[];
  money?: MoneyFigure[];
  sections?: ReportSection[];
  api?: ApiUsage;
}

const key = (region: string, id: string, action: string) => `${region}\u0000${id}\u0000${action}`;

/** Folds every region's plan and apply results into one report with counts. */
export function buildReport(input: ReportInput): JobReport {
  const lines: ReportLine[] = [];
  const results = new Map(input.results.map((r) => [key(r.region, r.id, r.action), r]));
  for (const plan of input.plans) {
    for (const item of plan.items) {
      const base = { region: item.region, id: item.id, resource: item.resource, action: item.action };
      if (input.dryRun) {
        lines.push({ ...base, status: 'planned', message: item.reason });
        continue;
      }
      const result = results.get(key(item.region, item.id, item.action));
      const outcome = result?.outcome ?? {
        status: 'failed' as const,
        code: 'job.not-applied',
        message: 'no result was recorded for this item; it is retried on the next run',
      };
      if (outcome.status === 'done')
        lines.push({ ...base, status: 'done', message: outcome.detail ?? item.reason });
      else if (outcome.status === 'skipped')
        lines.push({ ...base, status: 'skipped', message: outcome.reason });
      else lines.push({ ...base, status: 'failed', message: outcome.message, code: outcome.code });
    }
    for (const skip of plan.skipped) {
      lines.push({
        region: skip.region,
        id: skip.id,
        resource: skip.resource,
        action: 'skip',
        status: 'skipped',
        message: skip.reason,
      });
    }
  }

  const byAction: Record<string, ActionCounts> = {};
  const skippedByReason: Record<string, number> = {};
  const totals = { planned: 0, done: 0, failed: 0, skipped: 0 };
  for (const line of lines) {
    totals[line.status] += 1;
    if (line.status === 'skipped') skippedByReason[line.message] = (skippedByReason[line.message] ?? 0) + 1;
    if (line.action === 'skip') continue;
    const counts = byAction[line.action] ?? { planned: 0, done: 0, failed: 0, skipped: 0 };
    counts[line.status] += 1;
    byAction[line.action] = counts;
  }
  const sortedReasons = Object.fromEntries(Object.entries(skippedByReason).sort((a, b) => b[1] - a[1]));

  return {
    job: input.job,
    stage: input.stage,
    dryRun: input.dryRun,
    now: input.now,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    regions: input.regions,
    counts: { ...totals, byAction, skippedByReason: sortedReasons },
    verbs: input.verbs,
    lines,
    money: input.money ?? [],
    sections: mergeSections([...input.plans.flatMap((p) => p.sections ?? []), ...(input.sections ?? [])]),
    regionFailures: input.regionFailures,
    ...(input.api ? { api: input.api } : {}),
  };
}

/** Regions' sections with the same title become one section. */
function mergeSections(sections: ReportSection[]): ReportSection[] {
  const byTitle = new Map<string, string[]>();
  for (const section of sections)
    byTitle.set(section.title, [...(byTitle.get(section.title) ?? []), ...section.lines]);
  return [...byTitle].map(([title, lines]) => ({ title, lines }));
}

/** True when something went wrong: a failed item or a region that could not be planned. */
export function reportHasFailures(report: JobReport): boolean {
  return report.counts.failed > 0 || report.regionFailures.length > 0;
}

/** True when the report says more than "nothing to do" (used to keep channels quiet). */
export function reportIsNoteworthy(report: JobReport): boolean {
  return (
    report.counts.planned + report.counts.done + report.counts.failed > 0 || report.regionFailures.length > 0
  );
}

export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** `released 3 · marked idle 2 · failed 1 · skipped 40`, in the job's own words. */
export function summaryLine(report: JobReport): string {
  const parts: string[] = [];
  for (const [action, counts] of Object.entries(report.counts.byAction)) {
    const verbs = report.verbs[action] ?? { done: action, planned: `would ${action}` };
    if (counts.planned) parts.push(`${verbs.planned} ${counts.planned}`);
    if (counts.done) parts.push(`${verbs.done} ${counts.done}`);
  }
  if (report.counts.failed) parts.push(`failed ${report.counts.failed}`);
  if (report.counts.skipped) parts.push(`skipped ${report.counts.skipped}`);
  if (report.regionFailures.length) parts.push(`regions not checked ${report.regionFailures.length}`);
  return parts.length ? parts.join(' · ') : 'nothing to do';
}

export function headline(report: JobReport): string {
  return `${report.job} · ${report.stage}${report.dryRun ? ' · dry run' : ''} · ${report.now}`;
}

function lineText(line: ReportLine, verbs: ActionVerbs): string {
  const verb =
    line.action === 'skip'
      ? 'skip'
      : line.status === 'planned'
        ? (verbs[line.action]?.planned ?? line.action)
        : line.status === 'done'
          ? (verbs[line.action]?.done ?? line.action)
          : line.action;
  const code = line.code ? ` [${line.code}]` : '';
  return `${line.region} ${line.resource} — ${verb}: ${line.message}${code}`;
}

/** Plain text for the CLI and logs: everything, nothing summarised. */
export function renderReportText(report: JobReport): string {
  const out: string[] = [headline(report), `regions: ${report.regions.join(', ')}`, summaryLine(report)];
  for (const money of report.money) {
    out.push(
      `${money.label}: ${formatUsd(money.usdPerMonth)}/month${money.detail ? ` (${money.detail})` : ''}`,
    );
  }
  for (const failure of report.regionFailures) {
    out.push(`region ${failure.region} not checked [${failure.code}]: ${failure.message}`);
  }
  const groups: [string, ReportLine['status'], string][] = [
    ['Failed', 'failed', '✗'],
    ['Done', 'done', '✓'],
    ['Planned (dry run: nothing changed)', 'planned', '•'],
    ['Skipped', 'skipped', '-'],
  ];
  for (const [title, status, mark] of groups) {
    const chosen = report.lines.filter((l) => l.status === status);
    if (!chosen.length) continue;
    out.push('', `${title}:`);
    for (const line of chosen) out.push(`  ${mark} ${lineText(line, report.verbs)}`);
  }
  for (const section of report.sections) {
    if (!section.lines.length) continue;
    out.push('', `${section.title}:`);
    for (const line of section.lines) out.push(`  ${line}`);
  }
  return `${out.join('\n')}\n`;
}

export { lineText as reportLineText };
