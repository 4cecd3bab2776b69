import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, renderReportText, summaryLine } from './report';
import { renderReportBlocks, SLACK_MAX_BLOCKS, SLACK_MAX_SECTION_CHARS } from './slack-report';
import type { ItemResult, RegionPlan } from './types';

const verbs = {
  release: { done: 'released', planned: 'would release' },
  mark: { done: 'marked idle', planned: 'would mark idle' },
};
const base = {
  job: 'eip-cleanup' as const,
  stage: 'dev',
  now: '2026-11-23T15:00:00.000Z',
  startedAt: '2026-11-23T15:00:00.000Z',
  finishedAt: '2026-11-23T15:00:01.000Z',
  regions: ['us-east-1'],
  verbs,
  regionFailures: [],
};

function plan(n: number, skips = 0): RegionPlan {
  return {
    region: 'us-east-1',
    items: Array.from({ length: n }, (_, i) => ({
      id: `eipalloc-${i}`,
      region: 'us-east-1',
      action: i % 2 ? 'mark' : 'release',
      resource: `eipalloc-${i} (203.0.113.${i % 250})`,
      reason: 'idle 8d',
      data: {},
    })),
    skipped: Array.from({ length: skips }, (_, i) => ({
      id: `eipalloc-s${i}`,
      region: 'us-east-1',
      resource: 'x',
      reason: i % 3 ? 'associated' : 'tagged keep=true',
    })),
  };
}

describe('job report', () => {
  it('counts planned items on a dry run and nothing as done', () => {
    const report = buildReport({ ...base, dryRun: true, plans: [plan(4, 3)], results: [] });
    expect(report.counts).toMatchObject({ planned: 4, done: 0, failed: 0, skipped: 3 });
    expect(report.counts.byAction.release?.planned).toBe(2);
    expect(report.counts.skippedByReason).toEqual({ associated: 2, 'tagged keep=true': 1 });
    expect(summaryLine(report)).toBe('would release 2 · would mark idle 2 · skipped 3');
  });

  it('takes each item’s outcome from apply, and fails an item that has none', () => {
    const p = plan(3);
    const results: ItemResult[] = [
      { id: 'eipalloc-0', region: 'us-east-1', action: 'release', resource: '', outcome: { status: 'done' } },
      {
        id: 'eipalloc-1',
        region: 'us-east-1',
        action: 'mark',
        resource: '',
        outcome: { status: 'failed', code: 'X', message: 'cannot mark: x, do y' },
      },
    ];
    const report = buildReport({ ...base, dryRun: false, plans: [p], results });
    expect(report.lines.map((l) => [l.id, l.status])).toEqual([
      ['eipalloc-0', 'done'],
      ['eipalloc-1', 'failed'],
      ['eipalloc-2', 'failed'],
    ]);
    expect(report.lines[2]?.code).toBe('job.not-applied');
    expect(renderReportText(report)).toContain('cannot mark: x, do y [X]');
  });

  it('renders to Slack within 50 blocks and 3,000 characters per text, whatever the size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        (n, skips, dryRun) => {
          const p = plan(n, skips);
          p.sections = [
            { title: 'Idle', lines: Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(i % 300)}`) },
          ];
          const results: ItemResult[] = p.items.map((item, i) => ({
            ...item,
            outcome:
              i % 3
                ? { status: 'done' }
                : {
                    status: 'failed',
                    code: 'InvalidAddress.PtrSet',
                    message: `cannot release: ${'y'.repeat(i % 500)}`,
                  },
          }));
          const report = buildReport({
            ...base,
            dryRun,
            plans: [p],
            results,
            money: [{ label: 'Saved', usdPerMonth: 3.65 }],
          });
          const message = renderReportBlocks(report);
          expect(message.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
          for (const block of message.blocks) {
            if (block.type === 'section')
              expect(block.text.text.length).toBeLessThanOrEqual(SLACK_MAX_SECTION_CHARS);
            if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
          }
          expect(JSON.stringify(message.blocks)).toContain('3.65');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('puts failures before everything else in Slack and summarises skips by reason', () => {
    const p = plan(2, 5);
    const results: ItemResult[] = [
      {
        id: 'eipalloc-0',
        region: 'us-east-1',
        action: 'release',
        resource: 'r',
        outcome: {
          status: 'failed',
          code: 'InvalidAddress.Locked',
          message: 'cannot release: locked, do ask AWS',
        },
      },
      { id: 'eipalloc-1', region: 'us-east-1', action: 'mark', resource: 'r', outcome: { status: 'done' } },
    ];
    const text = JSON.stringify(
      renderReportBlocks(buildReport({ ...base, dryRun: false, plans: [p], results })).blocks,
    );
    expect(text.indexOf('Failed')).toBeLessThan(text.indexOf('Done'));
    expect(text).toContain('3 × associated');
    expect(text).not.toContain('eipalloc-s1');
  });
});
