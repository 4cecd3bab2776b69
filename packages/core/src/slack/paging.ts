import { type Block, type ButtonElement, context, LIMITS } from './blocks';

/**
 * Slack refuses a message with more than 50 blocks; it documents no total size, but very large
 * messages render badly and some clients drop them, so a page also stays under a character
 * budget. Two blocks are kept free for the "page x of y" line and the Previous/Next buttons.
 */
export const PAGE_BLOCKS = LIMITS.blocksPerMessage - 2;
export const PAGE_CHARACTERS = 12_000;

export interface Page {
  blocks: Block[];
  /** 1-based, clamped to the last page. */
  page: number;
  pages: number;
}

/** Splits blocks into pages; a page never splits a block. */
export function splitPages(
  blocks: Block[],
  maxBlocks = PAGE_BLOCKS,
  maxCharacters = PAGE_CHARACTERS,
): Block[][] {
  const pages: Block[][] = [];
  let current: Block[] = [];
  let size = 0;
  for (const block of blocks) {
    const weight = JSON.stringify(block).length;
    if (current.length > 0 && (current.length >= maxBlocks || size + weight > maxCharacters)) {
      pages.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += weight;
  }
  if (current.length > 0 || pages.length === 0) pages.push(current);
  return pages;
}

/**
 * One page of a long answer, with "page x of y" and buttons to move. `button(page)` makes the
 * button that shows that page (typically re-running the command with `page=N`), or returns
 * undefined when it cannot.
 */
export function paginate(
  blocks: Block[],
  page: number,
  button: (page: number, label: string) => ButtonElement | undefined,
): Page {
  const pages = splitPages(blocks);
  const index = Math.min(Math.max(1, Math.floor(page) || 1), pages.length);
  const shown = [...pages[index - 1]!];
  if (pages.length > 1) {
    const elements: ButtonElement[] = [];
    const previous = index > 1 ? button(index - 1, 'Previous') : undefined;
    const next = index < pages.length ? button(index + 1, 'Next') : undefined;
    if (previous) elements.push(previous);
    if (next) elements.push(next);
    // Without a button (say, a command too long for a button value), the person can still type page=N.
    const hint = index < pages.length && !next ? ` · add page=${index + 1} to the command for more` : '';
    shown.push(...context(`page ${index} of ${pages.length}${hint}`));
    if (elements.length > 0) shown.push({ type: 'actions', elements });
  }
  return { blocks: shown, page: index, pages: pages.length };
}
