import { clip, LIMITS } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { formatUsd, headline, reportLineText, summaryLine } from './report';
import type { JobReport, ReportLine } from './types';

/** The few Block Kit shapes a report uses (core imports no Slack SDK). */
export type ReportBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

export interface SlackReportMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: ReportBlock[];
}

/** Slack's limits: 50 blocks per message, 3,000 characters per section text, 150 per header. */
export const SLACK_MAX_BLOCKS = LIMITS.blocksPerMessage;
export const SLACK_MAX_SECTION_CHARS = LIMITS.sectionText;
const HEADER_MAX = LIMITS.headerText;
/** Per group, so one long list does not crowd out the failures. */
const LINES_PER_GROUP = 15;

const section = (text: string): ReportBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SLACK_MAX_SECTION_CHARS) },
});

/** Packs a titled list into as few section blocks as the character limit allows. */
function packed(title: string, lines: string[]): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  let current = `*${escapeMrkdwn(title)}*`;
  for (const raw of lines) {
    const line = clip(escapeMrkdwn(raw), 600);
    if (current.length + 1 + line.length > SLACK_MAX_SECTION_CHARS - 10) {
      blocks.push(section(current));
      current = line;
    } else {
      current += `\n${line}`;
    }
  }
  blocks.push(section(current));
  return blocks;
}

function groupLines(lines: ReportLine[], report: JobReport, mark: string, more: string): string[] {
  const shown = lines.slice(0, LINES_PER_GROUP).map((l) => `${mark} ${reportLineText(l, report.verbs)}`);
  if (lines.length > LINES_PER_GROUP) shown.push(`…and ${lines.length - LINES_PER_GROUP} more ${more}`);
  return shown;
}

/**
 * The report as a Slack message within Slack's limits: counts, money and failures always show;
 * long lists are cut with "…and N more" and skips are summarised by reason. The full list is in
 * the structured logs (and `ec2ops job run … --json`).
 */
export function renderReportBlocks(report: JobReport): SlackReportMessage {
  const summary = summaryLine(report);
  const title = `${report.job} report${report.dryRun ? ' (dry run: nothing changed)' : ''}`;
  const head: ReportBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, HEADER_MAX) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            escapeMrkdwn(`stage ${report.stage} · as of ${report.now} · ${report.regions.join(', ')}`),
            SLACK_MAX_SECTION_CHARS,
          ),
        },
      ],
    },
    section(`*${escapeMrkdwn(summary)}*`),
  ];
  if (report.money.length) {
    head.push(
      section(
        report.money
          .map(
            (m) =>
              `:moneybag: ${escapeMrkdwn(m.label)}: *${formatUsd(m.usdPerMonth)}/month*${m.detail ? ` (${escapeMrkdwn(m.detail)})` : ''}`,
          )
          .join('\n'),
      ),
    );
  }

  const body: ReportBlock[][] = [];
  if (report.regionFailures.length) {
    body.push(
      packed(
        'Regions not checked',
        report.regionFailures.map((f) => `:warning: ${f.region} [${f.code}]: ${f.message}`),
      ),
    );
  }
  const failed = report.lines.filter((l) => l.status === 'failed');
  if (failed.length) body.push(packed('Failed', groupLines(failed, report, ':x:', 'failures')));
  const done = report.lines.filter((l) => l.status === 'done');
  if (done.length) body.push(packed('Done', groupLines(done, report, ':white_check_mark:', 'done')));
  const planned = report.lines.filter((l) => l.status === 'planned');
  if (planned.length) body.push(packed('Planned', groupLines(planned, report, '•', 'planned')));
  for (const extra of report.sections) {
    if (!extra.lines.length) continue;
    const lines = extra.lines.slice(0, LINES_PER_GROUP);
    if (extra.lines.length > LINES_PER_GROUP) lines.push(`…and ${extra.lines.length - LINES_PER_GROUP} more`);
    body.push(packed(extra.title, lines));
  }
  const reasons = Object.entries(report.counts.skippedByReason);
  if (reasons.length) {
    const lines = reasons.slice(0, LINES_PER_GROUP).map(([reason, n]) => `${n} × ${reason}`);
    if (reasons.length > LINES_PER_GROUP)
      lines.push(`…and ${reasons.length - LINES_PER_GROUP} other reasons`);
    body.push(packed('Skipped', lines));
  }

  const blocks = [...head];
  const room = SLACK_MAX_BLOCKS - 1;
  let cut = false;
  for (const group of body) {
    if (blocks.length + 1 + group.length > room) {
      cut = true;
      break;
    }
    blocks.push({ type: 'divider' }, ...group);
  }
  if (cut) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'More in the structured logs (or run `ec2ops job run … --json`).' }],
    });
  }
  return { text: clip(`${headline(report)}: ${summary}`, SLACK_MAX_SECTION_CHARS), blocks };
}
