/**
 * Block Kit as plain text, for terminals and logs: what a person would read in the Slack client,
 * minus the styling. Interactive elements show as `[Label]` so the options are still visible.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Slack's escaping and link syntax made readable: `<@U1>` → `@U1`, `<url|label>` → `label (url)`. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, (_, target: string, label: string) => formatLink(target, label))
    .replace(/<([^<>]+)>/g, (_, target: string) => formatLink(target))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function formatLink(target: string, label?: string): string {
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!subteam^')) return `@${label ?? target.slice('!subteam^'.length)}`;
  if (target.startsWith('!')) return `@${label ?? target.slice(1)}`;
  return label ? `${label} (${target})` : target;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return mrkdwnToText(value);
  if (isObject(value) && typeof value['text'] === 'string') return mrkdwnToText(value['text']);
  return '';
}

function elementText(element: unknown): string {
  if (!isObject(element)) return '';
  const type = element['type'];
  const label = textOf(element['text']) || textOf(element['placeholder']);
  switch (type) {
    case 'button': {
      const style = element['style'] === 'danger' ? '!' : element['style'] === 'primary' ? '*' : '';
      return `[${style}${label || 'button'}${style}]${typeof element['url'] === 'string' ? ` (${element['url']})` : ''}`;
    }
    case 'image':
      return `[image: ${String(element['alt_text'] ?? '')}]`;
    case 'overflow':
      return `[⋯ ${optionsText(element['options'])}]`;
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const initial = isObject(element['initial_option']) ? textOf(element['initial_option']['text']) : '';
      return `[${initial || label || 'select'} ▾ ${optionsText(element['options'])}]`;
    }
    case 'datepicker':
      return `[date: ${String(element['initial_date'] ?? (label || 'pick a date'))}]`;
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return `[${label || 'input'}: ____]`;
    default:
      return `[${label || String(type)}]`;
  }
}

function optionsText(options: unknown): string {
  if (!Array.isArray(options)) return '';
  return `(${options.map((o) => (isObject(o) ? textOf(o['text']) : '')).join(' | ')})`;
}

function richText(value: unknown): string {
  if (!isObject(value)) return '';
  if (typeof value['text'] === 'string') return value['text'];
  if (value['type'] === 'user') return `@${String(value['user_id'])}`;
  if (value['type'] === 'channel') return `#${String(value['channel_id'])}`;
  if (value['type'] === 'link') return String(value['text'] ?? value['url']);
  if (value['type'] === 'emoji') return `:${String(value['name'])}:`;
  const elements = Array.isArray(value['elements']) ? value['elements'] : [];
  const joined = elements.map(richText).join('');
  if (value['type'] === 'rich_text_list') return elements.map((e) => `• ${richText(e)}`).join('\n');
  if (value['type'] === 'rich_text_preformatted') return joined.replace(/^/gm, '    ');
  if (value['type'] === 'rich_text_quote') return joined.replace(/^/gm, '> ');
  return joined;
}

/** One block as lines of text. */
export function blockToText(block: unknown, width = 72): string {
  if (!isObject(block)) return '';
  switch (block['type']) {
    case 'header':
      return textOf(block['text']).toUpperCase();
    case 'section': {
      const lines: string[] = [];
      const text = textOf(block['text']);
      const accessory = block['accessory'] ? elementText(block['accessory']) : '';
      if (text) lines.push(accessory ? `${text}  ${accessory}` : text);
      else if (accessory) lines.push(accessory);
      const fields = Array.isArray(block['fields']) ? block['fields'].map(textOf) : [];
      // Slack shows fields two to a row.
      for (let i = 0; i < fields.length; i += 2) {
        const left = fields[i] ?? '';
        const right = fields[i + 1];
        lines.push(right === undefined ? left : `${left.padEnd(Math.floor(width / 2))}${right}`);
      }
      return lines.join('\n');
    }
    case 'context':
      return (Array.isArray(block['elements']) ? block['elements'] : [])
        .map((e) => (isObject(e) && e['type'] === 'image' ? elementText(e) : textOf(e)))
        .join('  ·  ');
    case 'divider':
      return '─'.repeat(Math.min(width, 40));
    case 'actions':
      return (Array.isArray(block['elements']) ? block['elements'] : []).map(elementText).join(' ');
    case 'image':
      return `[image: ${String(block['alt_text'] ?? '')}]`;
    case 'input':
      return `${textOf(block['label'])}: ${elementText(block['element'])}`;
    case 'rich_text':
      return (Array.isArray(block['elements']) ? block['elements'] : []).map(richText).join('\n');
    case 'markdown':
      return mrkdwnToText(String(block['text'] ?? ''));
    default:
      return `[${String(block['type'])} block]`;
  }
}

/** A message as text: its blocks when it has any, else its text. */
export function messageToText(message: { text?: unknown; blocks?: unknown }, width = 72): string {
  if (Array.isArray(message.blocks) && message.blocks.length > 0) {
    return message.blocks
      .map((b) => blockToText(b, width))
      .filter((line) => line !== '')
      .join('\n');
  }
  return typeof message.text === 'string' ? mrkdwnToText(message.text) : '';
}
