import { describe, expect, it } from 'vitest';
import { type Block, button, section } from './blocks';
import { cutRowPages, pagedRows, pageOfRows, ROWS_PER_PAGE, rowPageFooter } from './row-pages';

const rows = (n: number, size = 10): Block[][] =>
  Array.from({ length: n }, (_, i) => section(`row ${i} ${'x'.repeat(size)}`));
const texts = (blocks: Block[]) => JSON.stringify(blocks);

describe('row pages', () => {
  it('hold 25 rows, and show each row on exactly one page', () => {
    const all = rows(60);
    const pages = [1, 2, 3].map((p) => pageOfRows(all, p));
    expect(pages.map((p) => [p.from, p.to, p.pages])).toEqual([
      [1, 25, 3],
      [26, 50, 3],
      [51, 60, 3],
    ]);
    expect(pages.flatMap((p) => p.rows)).toEqual(all);
    expect(ROWS_PER_PAGE).toBe(25);
  });

  it('hold fewer rows when their blocks or characters would pass Slack’s limits, never splitting a row', () => {
    const tall = Array.from({ length: 30 }, (_, i) => [
      ...section(`a${i}`),
      ...section(`b${i}`),
      ...section(`c${i}`),
    ]);
    expect(cutRowPages(tall)).toEqual([0, 14, 28]);
    const wide = rows(10, 2_000);
    expect(cutRowPages(wide).length).toBeGreaterThan(2);
  });

  it('clamp a page past the end to the last page, and show an empty list as rows 0–0 of 0', () => {
    expect(pageOfRows(rows(30), 9).page).toBe(2);
    expect(pageOfRows([], 1)).toMatchObject({ from: 0, to: 0, total: 0, pages: 1 });
  });

  it('say rows x–y of z, name unread places escaped, and offer Next page and Previous', () => {
    const make = (page: number, label: string) =>
      button(label, `page-${page}`, { value: `list page=${page}` });
    const second = pageOfRows(rows(60), 2);
    const footer = texts(
      rowPageFooter(second, [{ place: 'prod/<eu>', reason: 'fleet.assume-role-failed' }], make),
    );
    expect(footer).toContain('rows 26–50 of 60 · page 2 of 3');
    expect(footer).toContain(
      'Could not read prod/&lt;eu&gt; (fleet.assume-role-failed); the rest is listed.',
    );
    expect(footer).toContain('"value":"list page=1"');
    expect(footer).toContain('"value":"list page=3"');
    // Without a button (too long a command), the person is told to type page=N.
    expect(texts(rowPageFooter(second, [], () => undefined))).toContain('add page=3 to the command');
    expect(texts(pagedRows(section('head'), [], {}))).toBe(texts(section('head')));
  });
});
