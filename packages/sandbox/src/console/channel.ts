import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ActionEvent, type BlockContext, Blocks } from './blocks';
import { clockTime } from './format';
import { html } from './html';
import { TextObject } from './text';
import type { ConsoleChannel, ConsoleMessage, ConsoleUser } from './types';

/** What the console shows right away for a request Slack answered with an error or a text ack. */
export interface Notice {
  id: number;
  channel: string;
  at: number;
  text: string;
  error: boolean;
}

interface Props {
  channel: ConsoleChannel;
  messages: ConsoleMessage[];
  notices: Notice[];
  users: ConsoleUser[];
  me: ConsoleUser;
  ctx: Omit<BlockContext, 'onAction'>;
  onSend: (text: string) => Promise<void>;
  onAction: (message: ConsoleMessage, event: ActionEvent) => void;
  compose: boolean;
}

function Message({ message, props }: { message: ConsoleMessage; props: Props }): VNode {
  const poster = props.users.find((u) => u.id === message.user);
  const isBot = !poster;
  const name = poster ? poster.realName : 'ec2ops';
  const ctx: BlockContext = { ...props.ctx, onAction: (event) => props.onAction(message, event) };
  return html`<article class=${`msg ${message.ephemeral ? 'ephemeral' : ''}`} data-ts=${message.ts}>
    <div class=${`avatar ${isBot ? 'bot' : ''}`}>${isBot ? 'e2' : name[0]}</div>
    <div class="msg-main">
      ${message.command ? html`<div class="msg-command"><span class="mention">@${props.ctx.nameOf(message.requestedBy ?? '')}</span> used <code>${message.command}</code></div>` : null}
      <div class="msg-head">
        <span class="msg-name">${name}</span>${isBot ? html`<span class="tag">APP</span>` : null}
        <span class="msg-time">${clockTime(message.ts)}</span>
        ${message.edited ? html`<span class="msg-edited">(edited)</span>` : null}
        ${message.ephemeral ? html`<span class="msg-only">Only visible to you</span>` : null}
      </div>
      ${
        message.blocks?.length
          ? html`<${Blocks} blocks=${message.blocks} ctx=${ctx} />`
          : html`<div class="bk-text"><${TextObject} text=${{ type: 'mrkdwn', text: message.text }} nameOf=${props.ctx.nameOf} /></div>`
      }
    </div>
  </article>`;
}

export function Channel(props: Props): VNode {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const count = props.messages.length + props.notices.length;
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, props.channel.id]);

  // Commands sent from this page, newest last; ↑ and ↓ walk through them as in a terminal.
  const history = useRef<string[]>([]);
  const cursor = useRef(0);

  const send = async (e: Event) => {
    e.preventDefault();
    const line = text.trim();
    if (!line || busy) return;
    setBusy(true);
    try {
      await props.onSend(line);
      history.current = [...history.current.filter((h) => h !== line), line].slice(-50);
      cursor.current = history.current.length;
      setText('');
    } finally {
      setBusy(false);
    }
  };

  const recall = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const list = history.current;
    if (!list.length) return;
    e.preventDefault();
    cursor.current = Math.max(0, Math.min(list.length, cursor.current + (e.key === 'ArrowUp' ? -1 : 1)));
    setText(list[cursor.current] ?? '');
  };

  type Item = { at: number; node: VNode };
  const items: Item[] = [
    ...props.messages.map((m) => ({
      at: Number(m.ts) * 1000,
      node: html`<${Message} key=${`${m.ts}${m.ephemeral}`} message=${m} props=${props} />`,
    })),
    ...props.notices.map((n) => ({
      at: n.at,
      node: html`<div key=${`n${n.id}`} class=${`notice ${n.error ? 'error' : ''}`}>${n.text}</div>`,
    })),
  ].sort((a, b) => a.at - b.at);

  return html`<section class="channel">
    <header class="channel-head"><h2># ${props.channel.name}</h2><span class="muted">${props.channel.purpose}</span></header>
    <div class="messages" ref=${list}>
      ${items.length ? items.map((i) => i.node) : html`<p class="empty">No messages yet.${props.compose ? ' Try /ec2 help.' : ''}</p>`}
    </div>
    ${
      props.compose
        ? html`<form class="composer" onSubmit=${send}>
          <input name="command" autocomplete="off" placeholder=${`Message #${props.channel.name} — try /ec2 help`} value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} onKeyDown=${recall} />
          <button type="submit" disabled=${busy || !text.trim()}>Send</button>
        </form>`
        : null
    }
  </section>`;
}
