import { type Block, type ButtonElement, context } from './blocks';
import { escapeMrkdwn } from './escape';
import { PAGE_BLOCKS, PAGE_CHARACTERS } from './paging';

/**
 * Row paging for lists that span accounts and regions (issue 15): a page holds up to
 * `ROWS_PER_PAGE` rows, fewer when the rows' blocks would pass Slack's block limit or the
 * character budget (a row is never split), so the worker's block pager never has to split it
 * again. Pages are cut from the first row each time: the same rows in the same order give the
 * same pages, and each row is on exactly one of them.
 */
export const ROWS_PER_PAGE = 25;

/** Blocks and characters kept for the title, summary, unread places and navigation. */
const RESERVED_BLOCKS = 6;
const RESERVED_CHARACTERS = 3_000;

export interface RowPage {
  /** The rows shown, each its blocks. */
  rows: Block[][];
  /** 1-based positions of the first and last row shown (0 and 0 when there are none). */
  from: number;
  to: number;
  total: number;
  /** 1-based, clamped to the last page. */
  page: number;
  pages: number;
}

/** Cuts rows into pages under the row, block and character limits. */
export function cutRowPages(rows: readonly Block[][], maxRows = ROWS_PER_PAGE): number[] {
  const starts: number[] = [0];
  let count = 0;
  let blocks = 0;
  let characters = 0;
  rows.forEach((row, i) => {
    const weight = JSON.stringify(row).length;
    const full =
      count >= maxRows ||
      blocks + row.length > PAGE_BLOCKS - RESERVED_BLOCKS ||
      characters + weight > PAGE_CHARACTERS - RESERVED_CHARACTERS;
    if (count > 0 && full) {
      starts.push(i);
      count = 0;
      blocks = 0;
      characters = 0;
    }
    count += 1;
    blocks += row.length;
    characters += weight;
  });
  return starts;
}

/** The rows of page `page` (clamped), with their positions. */
export function pageOfRows(rows: readonly Block[][], page: number, maxRows = ROWS_PER_PAGE): RowPage {
  const starts = cutRowPages(rows, maxRows);
  const index = Math.min(Math.max(1, Math.floor(page) || 1), starts.length);
  const start = starts[index - 1]!;
  const end = index < starts.length ? starts[index]! : rows.length;
  return {
    rows: rows.slice(start, end),
    from: end > start ? start + 1 : 0,
    to: end,
    total: rows.length,
    page: index,
    pages: starts.length,
  };
}

/** Where a spanning list could not read, and why (a stable code or the error's name). */
export interface UnreadPlace {
  /** `dev/eu-west-1`. */
  place: string;
  reason: string;
}

/**
 * The footer of a paged list: "rows x–y of z · page p of n", the places that could not be read
 * (by name: the rest is still listed), and Previous/Next buttons made by `button(page, label)`
 * (undefined when a button cannot carry the command; then the person types `page=N`).
 */
export function rowPageFooter(
  shown: RowPage,
  unread: readonly UnreadPlace[],
  button: (page: number, label: string) => ButtonElement | undefined,
): Block[] {
  const blocks: Block[] = [];
  if (unread.length > 0) {
    const names = unread.map((u) => `${escapeMrkdwn(u.place)} (${escapeMrkdwn(u.reason)})`).join(', ');
    const text = `:warning: Could not read ${names}; the rest is listed.`;
    blocks.push(...context(text.length > 2_900 ? `${text.slice(0, 2_890)}…` : text));
  }
  if (shown.total === 0) return blocks;
  const previous = shown.page > 1 ? button(shown.page - 1, 'Previous') : undefined;
  const next = shown.page < shown.pages ? button(shown.page + 1, 'Next page') : undefined;
  const hint =
    shown.page < shown.pages && !next ? ` · add page=${shown.page + 1} to the command for more` : '';
  blocks.push(
    ...context(
      `rows ${shown.from}–${shown.to} of ${shown.total} · page ${shown.page} of ${shown.pages}${hint}`,
    ),
  );
  const elements = [previous, next].filter((b): b is ButtonElement => b !== undefined);
  if (elements.length > 0) blocks.push({ type: 'actions', elements });
  return blocks;
}

/** How a paged list is asked for: which page, what could not be read, how to make a page button. */
export interface RowPaging {
  page?: number | undefined;
  unread?: readonly UnreadPlace[] | undefined;
  button?: ((page: number, label: string) => ButtonElement | undefined) | undefined;
}

/** A list answer: its heading blocks, one page of its rows, and the footer. */
export function pagedRows(head: Block[], rows: readonly Block[][], paging: RowPaging = {}): Block[] {
  const shown = pageOfRows(rows, paging.page ?? 1);
  return [
    ...head,
    ...shown.rows.flat(),
    ...rowPageFooter(shown, paging.unread ?? [], paging.button ?? (() => undefined)),
  ];
}
