import { buildForecast, type ForecastItem } from '@ec2ops/core/forecast';
import { describe, expect, it } from 'vitest';
import { renderForecastHtml, renderForecastMarkdown, renderForecastText } from './render';

const DAY = 86_400_000;
const START = Date.parse('2026-12-01T00:00:00Z');
const hostile = '| <img src=x onerror=alert(1)> *bold* [link](https://evil.example)';

const item: ForecastItem = {
  at: '2026-12-02T00:00:00.000Z',
  day: 1,
  job: 'eip-cleanup',
  action: 'release',
  verb: 'released',
  region: 'us-east-1',
  id: 'eipalloc-1',
  resource: 'eipalloc-1 (203.0.113.7)',
  name: hostile,
  owner: 'U1',
  why: 'idle 8d (grace 7d)',
  status: 'done',
  savedUsdPerMonth: 3.65,
};
const forecast = buildForecast({
  stage: 'prod',
  start: START,
  days: 2,
  dayMs: DAY,
  regions: ['us-east-1'],
  items: [item],
  approvals: [
    {
      at: item.at,
      day: 1,
      job: 'ami-bake',
      region: 'us-east-1',
      id: 'ami-1',
      resource: 'ami-1 web',
      ask: 'approve',
    },
  ],
  runs: { 'eip-cleanup': 2 },
});

describe('forecast reports', () => {
  it('text: a line per day, the total with the saving, and the timeline with name and owner', () => {
    const text = renderForecastText(forecast);
    expect(text).toContain('Day 1 (until 2026-12-02 00:00 UTC): 1 released; saves $3.65/month; 1 to approve');
    expect(text).toContain('Day 2 (until 2026-12-03 00:00 UTC): nothing; saves nothing');
    expect(text).toContain('owner U1');
    expect(text).toContain('An admin would be asked to:');
  });

  it('Markdown: a tag cannot break out of its table cell or make a link', () => {
    const md = renderForecastMarkdown(forecast);
    const row = md.split('\n').find((l) => l.includes('eipalloc-1 (203'))!;
    // 8 columns: 9 unescaped pipes.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(9);
    expect(row).toContain('\\<img');
    expect(row).toContain('\\[link\\]');
  });

  it('HTML: self-contained, with the chart inline and every tag value escaped', () => {
    const page = renderForecastHtml(forecast);
    expect(page).toContain('<svg');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Nothing is fetched: no script, no stylesheet or image from elsewhere, and a CSP that forbids it.
    expect(page).not.toMatch(/<script|<link|\ssrc=["']?http|url\(/);
    expect(page).toContain("default-src 'none'");
  });
});
