import { describe, expect, it } from 'vitest';
import {
  actions,
  type Block,
  button,
  clip,
  context,
  fields,
  LIMITS,
  modal,
  section,
  splitText,
  staticSelect,
} from './blocks';
import { paginate, splitPages } from './paging';

/** Checks a message against Slack's documented Block Kit limits. */
function assertWithinLimits(blocks: Block[]): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const element of block.elements) {
        if (element.type === 'button') {
          expect(element.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
          expect((element.value ?? '').length).toBeLessThanOrEqual(LIMITS.buttonValue);
        }
      }
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
  }
}

describe('Block Kit builders', () => {
  it('splits a long text into sections of at most 3,000 characters without losing any of it', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const blocks = section(lines.join('\n'));
    expect(blocks.length).toBeGreaterThan(1);
    assertWithinLimits(blocks);
    expect(blocks.map((b) => b.text!.text).join('\n')).toBe(lines.join('\n'));
  });
  it('hard-splits a single line longer than a section', () => {
    const pieces = splitText('y'.repeat(7000), 3000);
    expect(pieces.map((p) => p.length)).toEqual([3000, 3000, 1000]);
  });
  it('puts at most 10 fields in a section and clips each to 2,000 characters', () => {
    const blocks = fields(
      Array.from({ length: 23 }, (_, i) => [`k${i}`, 'v'.repeat(i === 0 ? 5000 : 3)] as const),
    );
    expect(blocks.map((b) => b.fields!.length)).toEqual([10, 10, 3]);
    assertWithinLimits(blocks);
    expect(blocks[0]!.fields![0]!.text.endsWith('…')).toBe(true);
  });
  it('splits buttons into rows of 25 and context into groups of 10', () => {
    const rows = actions(Array.from({ length: 60 }, (_, i) => button(`b${i}`, `ec2ops:run:${i}`)));
    expect(rows).toHaveLength(3);
    assertWithinLimits(rows);
    expect(context(...Array.from({ length: 11 }, () => 'c'))).toHaveLength(2);
  });
  it('clips button labels to 75 characters and refuses values Slack would reject', () => {
    expect(button('L'.repeat(100), 'ec2ops:run').text.text).toHaveLength(75);
    expect(() => button('ok', 'ec2ops:run', { value: 'v'.repeat(2001) })).toThrow(/2000/);
  });
  it('keeps at most 100 options in a select and says so', () => {
    const select = staticSelect(
      'ec2ops:pick',
      'Pick',
      Array.from({ length: 150 }, (_, i) => ({ text: `o${i}`, value: `${i}` })),
    );
    expect(select.options).toHaveLength(100);
    expect(select.placeholder.text).toContain('first 100');
  });
  it('clips a modal title to 24 characters and its blocks to 100', () => {
    const view = modal(
      'ec2ops:modal:launch',
      'Launch an instance from an approved image',
      Array.from({ length: 120 }, () => section('x')[0]!),
    );
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks).toHaveLength(100);
  });
  it('clip marks what it cut', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});

describe('paginate', () => {
  const many = Array.from({ length: 130 }, (_, i) => section(`*instance ${i}* running`)[0]!);
  const next = (page: number, label: string) =>
    button(label, `ec2ops:run:page-${page}`, { value: `list page=${page}` });

  it('never puts more than 50 blocks on a page, and shows every block on some page', () => {
    const pages = splitPages(many);
    expect(pages.flat()).toHaveLength(130);
    for (let p = 1; p <= pages.length; p++) assertWithinLimits(paginate(many, p, next).blocks);
  });
  it('says "page x of y" and offers Previous/Next', () => {
    const second = paginate(many, 2, next);
    expect(second.pages).toBe(3);
    const text = JSON.stringify(second.blocks);
    expect(text).toContain('page 2 of 3');
    expect(text).toContain('list page=1');
    expect(text).toContain('list page=3');
    expect(JSON.stringify(paginate(many, 1, next).blocks)).not.toContain('Previous');
  });
  it('clamps a page beyond the end to the last page', () => {
    expect(paginate(many, 99, next).page).toBe(3);
  });
  it('still says how to see the next page when no button can be made', () => {
    const page = paginate(many, 1, () => undefined);
    const text = JSON.stringify(page.blocks);
    expect(text).toContain('page 1 of 3');
    expect(text).toContain('add page=2');
    expect(page.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
  it('adds no paging to a short answer', () => {
    expect(paginate(many.slice(0, 3), 1, next).blocks).toHaveLength(3);
  });
  it('also pages by size when blocks are large', () => {
    const big = Array.from({ length: 20 }, () => section('z'.repeat(2900))[0]!);
    const pages = splitPages(big);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(JSON.stringify(page).length).toBeLessThanOrEqual(12_000 + 3_100);
  });
});

describe('runButton', () => {
  it('makes an ec2ops:run button whose value is the command line', async () => {
    const { runButton } = await import('./actions');
    const b = runButton('Close now', 'close sgr-0abc', { style: 'danger' });
    expect(b).toMatchObject({
      type: 'button',
      action_id: 'ec2ops:run:close-now',
      value: 'close sgr-0abc',
      style: 'danger',
    });
  });
});
