import type { VNode } from 'preact';
import { withoutMillis } from './format';
import { html } from './html';
import { emojify, type Piece, parseMrkdwn } from './mrkdwn';

/** Resolves user ids to names in mentions. */
export type NameOf = (id: string) => string;

function piece(p: Piece, nameOf: NameOf): VNode | string {
  switch (p.kind) {
    case 'text': {
      let node: VNode | string = withoutMillis(p.text);
      if (p.strike) node = html`<s>${node}</s>`;
      if (p.italic) node = html`<em>${node}</em>`;
      if (p.bold) node = html`<strong>${node}</strong>`;
      return node;
    }
    case 'code':
      return html`<code>${withoutMillis(p.text)}</code>`;
    case 'pre':
      return html`<pre>${p.text}</pre>`;
    case 'link':
      return html`<a href=${p.url} target="_blank" rel="noreferrer">${p.text}</a>`;
    case 'user':
      return html`<span class="mention">@${p.label ?? nameOf(p.id)}</span>`;
    case 'channel':
      return html`<span class="mention">#${p.label ?? nameOf(p.id)}</span>`;
    case 'special':
      return html`<span class="mention">${p.text}</span>`;
    case 'quote':
      return html`<blockquote>${p.pieces.map((q) => piece(q, nameOf))}</blockquote>`;
    case 'break':
      return html`<br />`;
  }
}

/** A Block Kit text object: `mrkdwn` is formatted, `plain_text` shown as is (emoji names kept). */
export function TextObject({ text, nameOf }: { text: unknown; nameOf: NameOf }): VNode | null {
  if (!text || typeof text !== 'object') return typeof text === 'string' ? html`<span>${text}</span>` : null;
  const t = text as { type?: string; text?: string };
  const body = t.text ?? '';
  if (t.type === 'mrkdwn')
    return html`<span class="mrkdwn">${parseMrkdwn(body).map((p) => piece(p, nameOf))}</span>`;
  return html`<span>${emojify(body)}</span>`;
}

export function plainOf(text: unknown): string {
  if (typeof text === 'string') return text;
  if (text && typeof text === 'object' && 'text' in text)
    return String((text as { text: unknown }).text ?? '');
  return '';
}
