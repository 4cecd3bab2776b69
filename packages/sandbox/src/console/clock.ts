import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { duration, when } from './format';
import { html } from './html';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `2h`, `3d`, `1w` (or `1d12h`) → milliseconds; undefined when not understood. */
export function parseAdvance(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+)\s*([mhdw])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text.trim().replace(/\s+/g, '')) return undefined;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  return ms > 0 ? ms : undefined;
}

/** The sandbox clock: EC2, Slack and the jobs all read it; it only moves forward. */
export function Clock({
  now,
  offsetMs,
  onAdvance,
}: {
  now: string;
  offsetMs: number;
  onAdvance: (ms: number) => void;
}): VNode {
  const [custom, setCustom] = useState('');
  const ms = parseAdvance(custom);
  return html`<div class="clock" title="Sandbox time (UTC). Moving it runs the jobs that fall due.">
    <span class="clock-now" data-now=${now}><span class="muted small">sandbox time</span> ${when(now)} UTC</span>
    ${offsetMs > 0 ? html`<span class="muted small">+${duration(offsetMs)}</span>` : null}
    <button data-advance="1h" onClick=${() => onAdvance(UNIT_MS['h']!)}>+1h</button>
    <button data-advance="1d" onClick=${() => onAdvance(UNIT_MS['d']!)}>+1d</button>
    <form class="clock-custom" onSubmit=${(e: Event) => {
      e.preventDefault();
      if (ms) {
        onAdvance(ms);
        setCustom('');
      }
    }}>
      <input name="advance" size="6" placeholder="e.g. 90m" value=${custom} onInput=${(e: Event) => setCustom((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${!ms}>Advance</button>
    </form>
  </div>`;
}
