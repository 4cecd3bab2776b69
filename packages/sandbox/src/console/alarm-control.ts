import type { VNode } from 'preact';
import { html } from './html';

/**
 * Fires the sandbox's test alarm, or its recovery, into the alarm topic (`/_emulator/alarm`): the
 * real alarms-to-Slack handler posts it into the ops channel, and `/ec2 status` lists it while
 * it is in ALARM. For checking the alarm path end to end without waiting for something to break.
 */
export function AlarmControl({ onFire }: { onFire: (state: 'ALARM' | 'OK') => void }): VNode {
  return html`<div class="alarm-control" title="A test alarm: nothing is wrong; it checks alarms reach Slack.">
    <button data-alarm="ALARM" onClick=${() => onFire('ALARM')}>Fire test alarm</button>
    <button data-alarm="OK" onClick=${() => onFire('OK')}>Recover</button>
  </div>`;
}
