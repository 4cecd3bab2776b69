import type { VNode } from 'preact';
import { html } from './html';
import { type NameOf, plainOf, TextObject } from './text';

/**
 * Renders Block Kit as Slack lays it out, close enough to read replies and to click them:
 * section (text, fields, accessory), header, divider, context, actions, image, input, rich_text.
 * Unknown blocks show their type, so a new block never disappears silently.
 */
export type Json = Record<string, unknown>;

export interface ActionEvent {
  blockId?: string;
  actionId: string;
  type: string;
  value?: string;
  selectedOption?: { text: unknown; value: string };
}

export interface BlockContext {
  nameOf: NameOf;
  /** A click or a selection on an element; absent where elements are display-only. */
  onAction?: (event: ActionEvent) => void;
  /** Modal inputs report their current value here (Slack's view.state.values shape). */
  onInput?: (blockId: string, actionId: string, value: Json) => void;
  /** Shows a confirmation dialog (Block Kit `confirm`) and calls `proceed` when confirmed. */
  confirm?: (dialog: Json, proceed: () => void) => void;
  disabled?: boolean;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const arr = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function fire(
  ctx: BlockContext,
  element: Json,
  blockId: string | undefined,
  extra: Partial<ActionEvent>,
): void {
  const event: ActionEvent = {
    ...(blockId ? { blockId } : {}),
    actionId: str(element['action_id']) ?? '',
    type: str(element['type']) ?? 'button',
    ...extra,
  };
  const go = () => ctx.onAction?.(event);
  const dialog = element['confirm'];
  if (dialog && typeof dialog === 'object' && ctx.confirm) ctx.confirm(dialog as Json, go);
  else go();
}

function optionsOf(element: Json): Json[] {
  const groups = arr(element['option_groups']);
  return groups.length ? groups.flatMap((g) => arr(g['options'])) : arr(element['options']);
}

function Select({ element, blockId, ctx }: { element: Json; blockId?: string; ctx: BlockContext }): VNode {
  const options = optionsOf(element);
  const initial = (element['initial_option'] as Json | undefined)?.['value'];
  const onChange = (e: Event) => {
    const value = (e.target as HTMLSelectElement).value;
    const option = options.find((o) => o['value'] === value);
    if (!option) return;
    const selectedOption = { text: option['text'], value };
    if (ctx.onInput && blockId)
      ctx.onInput(blockId, str(element['action_id']) ?? '', {
        type: element['type'],
        selected_option: selectedOption,
      });
    else fire(ctx, element, blockId, { selectedOption });
  };
  return html`<select class="bk-select" data-action-id=${element['action_id']} disabled=${ctx.disabled} onChange=${onChange}>
    <option value="" selected=${initial === undefined} disabled>${plainOf(element['placeholder']) || 'Select…'}</option>
    ${options.map((o) => html`<option value=${o['value']} selected=${o['value'] === initial}>${plainOf(o['text'])}</option>`)}
  </select>`;
}

function Overflow({ element, blockId, ctx }: { element: Json; blockId?: string; ctx: BlockContext }): VNode {
  const options = arr(element['options']);
  const onChange = (e: Event) => {
    const value = (e.target as HTMLSelectElement).value;
    const option = options.find((o) => o['value'] === value);
    if (option) fire(ctx, element, blockId, { selectedOption: { text: option['text'], value } });
    (e.target as HTMLSelectElement).value = '';
  };
  return html`<select class="bk-overflow" aria-label="more actions" data-action-id=${element['action_id']} disabled=${ctx.disabled} onChange=${onChange}>
    <option value="" selected>⋯</option>
    ${options.map((o) => html`<option value=${o['value']}>${plainOf(o['text'])}</option>`)}
  </select>`;
}

function TextInput({ element, blockId, ctx }: { element: Json; blockId: string; ctx: BlockContext }): VNode {
  const actionId = str(element['action_id']) ?? '';
  const onInput = (e: Event) =>
    ctx.onInput?.(blockId, actionId, {
      type: 'plain_text_input',
      value: (e.target as HTMLInputElement).value,
    });
  const placeholder = plainOf(element['placeholder']);
  return element['multiline']
    ? html`<textarea class="bk-input" data-action-id=${actionId} placeholder=${placeholder} defaultValue=${element['initial_value'] ?? ''} onInput=${onInput} />`
    : html`<input class="bk-input" data-action-id=${actionId} placeholder=${placeholder} defaultValue=${element['initial_value'] ?? ''} onInput=${onInput} />`;
}

/** One interactive or display element inside actions, section accessory, context or input. */
export function Element({
  element,
  blockId,
  ctx,
}: {
  element: Json;
  blockId?: string;
  ctx: BlockContext;
}): VNode | null {
  const type = str(element['type']);
  switch (type) {
    case 'button': {
      const style = str(element['style']);
      const onClick = () => fire(ctx, element, blockId, { value: str(element['value']) ?? '' });
      return html`<button class=${`bk-button ${style ?? ''}`} data-action-id=${element['action_id']} disabled=${ctx.disabled || !ctx.onAction} onClick=${onClick}>
        ${plainOf(element['text'])}
      </button>`;
    }
    case 'static_select':
    case 'external_select':
      return html`<${Select} element=${element} blockId=${blockId} ctx=${ctx} />`;
    case 'overflow':
      return html`<${Overflow} element=${element} blockId=${blockId} ctx=${ctx} />`;
    case 'plain_text_input':
      return blockId ? html`<${TextInput} element=${element} blockId=${blockId} ctx=${ctx} />` : null;
    case 'image':
      return html`<img class="bk-image-small" src=${element['image_url']} alt=${element['alt_text']} />`;
    case 'mrkdwn':
    case 'plain_text':
      return html`<${TextObject} text=${element} nameOf=${ctx.nameOf} />`;
    default:
      return html`<span class="bk-unknown">[${type}]</span>`;
  }
}

function RichText({ block }: { block: Json }): VNode {
  const textOf = (el: Json): string => {
    if (el['type'] === 'text') return str(el['text']) ?? '';
    if (el['type'] === 'link') return str(el['text']) ?? str(el['url']) ?? '';
    if (el['type'] === 'user') return `@${str(el['user_id'])}`;
    if (el['type'] === 'emoji') return `:${str(el['name'])}:`;
    return arr(el['elements']).map(textOf).join('');
  };
  return html`<div class="bk-rich">${arr(block['elements']).map((section) =>
    section['type'] === 'rich_text_preformatted'
      ? html`<pre>${textOf(section)}</pre>`
      : html`<div>${textOf(section)}</div>`,
  )}</div>`;
}

export function Block({ block, ctx }: { block: Json; ctx: BlockContext }): VNode | null {
  const blockId = str(block['block_id']);
  switch (block['type']) {
    case 'header':
      return html`<div class="bk-header">${plainOf(block['text'])}</div>`;
    case 'divider':
      return html`<hr class="bk-divider" />`;
    case 'section': {
      const accessory = block['accessory'] as Json | undefined;
      const fields = arr(block['fields']);
      return html`<div class="bk-section">
        <div class="bk-section-body">
          ${block['text'] ? html`<div class="bk-text"><${TextObject} text=${block['text']} nameOf=${ctx.nameOf} /></div>` : null}
          ${fields.length ? html`<div class="bk-fields">${fields.map((f) => html`<div class="bk-field"><${TextObject} text=${f} nameOf=${ctx.nameOf} /></div>`)}</div>` : null}
        </div>
        ${accessory ? html`<div class="bk-accessory"><${Element} element=${accessory} blockId=${blockId} ctx=${ctx} /></div>` : null}
      </div>`;
    }
    case 'context':
      return html`<div class="bk-context">${arr(block['elements']).map((e) => html`<${Element} element=${e} blockId=${blockId} ctx=${ctx} />`)}</div>`;
    case 'actions':
      return html`<div class="bk-actions">${arr(block['elements']).map((e) => html`<${Element} element=${e} blockId=${blockId} ctx=${ctx} />`)}</div>`;
    case 'image':
      return html`<figure class="bk-image"><img src=${block['image_url']} alt=${block['alt_text']} />${block['title'] ? html`<figcaption>${plainOf(block['title'])}</figcaption>` : null}</figure>`;
    case 'input': {
      const element = (block['element'] as Json | undefined) ?? {};
      return html`<label class="bk-input-block">
        <span class="bk-label">${plainOf(block['label'])}${block['optional'] ? html`<em> (optional)</em>` : null}</span>
        <${Element} element=${element} blockId=${blockId ?? ''} ctx=${ctx} />
        ${block['hint'] ? html`<span class="bk-hint">${plainOf(block['hint'])}</span>` : null}
      </label>`;
    }
    case 'rich_text':
      return html`<${RichText} block=${block} />`;
    default:
      return html`<div class="bk-unknown">[${String(block['type'])} block]</div>`;
  }
}

export function Blocks({ blocks, ctx }: { blocks: unknown[]; ctx: BlockContext }): VNode {
  return html`<div class="bk">${(blocks as Json[]).map((block) => html`<${Block} block=${block} ctx=${ctx} />`)}</div>`;
}
