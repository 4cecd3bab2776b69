import { type ButtonElement, button, type ConfirmDialog } from './blocks';

/**
 * Every interactive element ec2ops sends has an action_id `ec2ops:<kind>[:<anything>]`; the
 * slack function routes clicks by `<kind>` (see functions/src/slack/listeners/actions). Slack
 * requires action_ids to be unique within a message, hence the free suffix.
 */
export const ACTION_PREFIX = 'ec2ops:';

export const ACTION_KINDS = {
  /** The value is a command line (`extend i-1 2h`); the clicker runs it as if typed, with their own role. */
  run: 'run',
  /** Approve / Deny on an approval request; the value is the signed request. */
  approve: 'approve',
  deny: 'deny',
} as const;

export function actionId(kind: string, suffix?: string): string {
  return suffix ? `${ACTION_PREFIX}${kind}:${suffix}` : `${ACTION_PREFIX}${kind}`;
}

/** The `<kind>` of an ec2ops action_id, or undefined for anything else. */
export function actionKind(id: string): string | undefined {
  if (!id.startsWith(ACTION_PREFIX)) return undefined;
  const rest = id.slice(ACTION_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon === -1 ? rest : rest.slice(0, colon);
}

/** Modals: callback_id `ec2ops:<command name with dashes>`, routed to that command's modal handler. */
export function modalCallbackId(command: string): string {
  return `${ACTION_PREFIX}modal:${command.replace(/ /g, '-')}`;
}

/**
 * A button that runs a command line as the person who clicks it (with their own role), e.g.
 * `runButton('Extend 2h', 'extend i-0abc 2h')`. `suffix` keeps action_ids unique in a message.
 */
export function runButton(
  label: string,
  commandText: string,
  options: { suffix?: string; style?: 'primary' | 'danger'; confirm?: ConfirmDialog } = {},
): ButtonElement {
  const { suffix, ...rest } = options;
  return button(
    label,
    actionId(ACTION_KINDS.run, suffix ?? label.toLowerCase().replace(/[^a-z0-9]+/g, '-')),
    {
      value: commandText,
      ...rest,
    },
  );
}
