import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ActionEvent, type BlockContext, Blocks, type Json } from './blocks';
import { html } from './html';
import { type NameOf, plainOf, TextObject } from './text';
import type { ConsoleView } from './types';

type Values = Record<string, Record<string, Json>>;

/** Initial values of a view's inputs, as Slack puts them into view.state before anyone types. */
function initialValues(blocks: Json[]): Values {
  const values: Values = {};
  for (const block of blocks) {
    if (block['type'] !== 'input') continue;
    const element = (block['element'] as Json | undefined) ?? {};
    const blockId = String(block['block_id'] ?? '');
    const actionId = String(element['action_id'] ?? '');
    const value: Json = { type: element['type'] };
    if (element['initial_value'] !== undefined) value['value'] = element['initial_value'];
    else if (element['initial_option'] !== undefined) value['selected_option'] = element['initial_option'];
    else if (element['type'] === 'plain_text_input') value['value'] = null;
    else value['selected_option'] = null;
    values[blockId] = { [actionId]: value };
  }
  return values;
}

interface Props {
  open: ConsoleView;
  ctx: Omit<BlockContext, 'onAction' | 'onInput'>;
  onSubmit: (values: Values) => Promise<string | undefined>;
  onClose: () => void;
  onAction: (event: ActionEvent) => void;
}

/** A modal opened with views.open: inputs collect Slack's `view.state.values`, Submit sends them. */
export function Modal({ open, ctx, onSubmit, onClose, onAction }: Props): VNode {
  const view = open.view;
  const blocks = (view['blocks'] as Json[] | undefined) ?? [];
  const [values, setValues] = useState<Values>(() => initialValues(blocks));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const blockCtx: BlockContext = {
    ...ctx,
    onAction,
    onInput: (blockId, actionId, value) =>
      setValues((v) => ({ ...v, [blockId]: { ...(v[blockId] ?? {}), [actionId]: value } })),
  };
  // Escape dismisses the modal, as in Slack.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      setError(await onSubmit(values));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="overlay" role="dialog" aria-modal="true">
    <form class="modal" onSubmit=${submit}>
      <header class="modal-head"><h3>${plainOf(view['title'])}</h3><button type="button" class="icon" aria-label="Close" onClick=${onClose}>×</button></header>
      <div class="modal-body"><${Blocks} blocks=${blocks} ctx=${blockCtx} /></div>
      ${error ? html`<p class="notice error">${error}</p>` : null}
      ${Object.entries(open.errors ?? {}).map(([block, text]) => html`<p class="notice error" data-block=${block}>${text}</p>`)}
      <footer class="modal-foot">
        <button type="button" onClick=${onClose}>${plainOf(view['close']) || 'Cancel'}</button>
        ${view['submit'] ? html`<button type="submit" class="bk-button primary" disabled=${busy}>${plainOf(view['submit'])}</button>` : null}
      </footer>
    </form>
  </div>`;
}

/** Block Kit's confirmation dialog for buttons marked `confirm`. */
/** Slack's confirmation dialog: its text object is formatted (mrkdwn) and escaped like any other. */
export function Confirm({
  dialog,
  nameOf,
  onDone,
}: {
  dialog: Json;
  nameOf: NameOf;
  onDone: (confirmed: boolean) => void;
}): VNode {
  const danger = dialog['style'] === 'danger';
  return html`<div class="overlay" role="alertdialog">
    <div class="modal small">
      <header class="modal-head"><h3>${plainOf(dialog['title']) || 'Are you sure?'}</h3></header>
      <div class="modal-body"><p><${TextObject} text=${dialog['text']} nameOf=${nameOf} /></p></div>
      <footer class="modal-foot">
        <button type="button" onClick=${() => onDone(false)}>${plainOf(dialog['deny']) || 'Cancel'}</button>
        <button type="button" class=${`bk-button ${danger ? 'danger' : 'primary'}`} onClick=${() => onDone(true)}>${plainOf(dialog['confirm']) || 'Yes'}</button>
      </footer>
    </div>
  </div>`;
}
