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
 * button that shows that page (typically re-running the command with `page=N`).
 */
export function paginate(
  blocks: Block[],
  page: number,
  button: (page: number, label: string) => ButtonElement,
): Page {
  const pages = splitPages(blocks);
  const index = Math.min(Math.max(1, Math.floor(page) || 1), pages.length);
  const shown = [...pages[index - 1]!];
  if (pages.length > 1) {
    shown.push(...context(`page ${index} of ${pages.length}`));
    const elements: ButtonElement[] = [];
    if (index > 1) elements.push(button(index - 1, 'Previous'));
    if (index < pages.length) elements.push(button(index + 1, 'Next'));
    shown.push({ type: 'actions', elements });
  }
  return { blocks: shown, page: index, pages: pages.length };
}
