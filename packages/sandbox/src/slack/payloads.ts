/**
 * The bodies Slack sends to an app, field for field: slash commands as a form, interactions as
 * `payload=<json>`. Pure builders; client.ts signs and sends them.
 */

import type { Blocks } from './records';

export interface Actor {
  teamId: string;
  teamDomain: string;
  appId: string;
  /** Slack's deprecated verification token; still sent, ignored by signature-verifying apps. */
  verificationToken: string;
  user: { id: string; name: string };
  channel: { id: string; name: string };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

export function slashCommandBody(actor: Actor, input: SlashCommandInput): string {
  return new URLSearchParams({
    token: actor.verificationToken,
    team_id: actor.teamId,
    team_domain: actor.teamDomain,
    channel_id: actor.channel.id,
    channel_name: actor.channel.name,
    user_id: actor.user.id,
    user_name: actor.user.name,
    command: input.command,
    text: input.text,
    api_app_id: actor.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  }).toString();
}

export interface BlockAction {
  action_id: string;
  block_id: string;
  type: string;
  value?: string;
  text?: unknown;
  selected_option?: unknown;
  action_ts: string;
}

export interface SourceMessage {
  ts: string;
  text: string;
  blocks?: Blocks;
  ephemeral: boolean;
  user?: string;
  botId?: string;
}

export function blockActionsPayload(
  actor: Actor,
  input: { actions: BlockAction[]; message: SourceMessage; responseUrl: string; triggerId: string },
): Record<string, unknown> {
  const { message } = input;
  return {
    type: 'block_actions',
    user: { id: actor.user.id, username: actor.user.name, name: actor.user.name, team_id: actor.teamId },
    api_app_id: actor.appId,
    token: actor.verificationToken,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: actor.channel.id,
      is_ephemeral: message.ephemeral,
    },
    trigger_id: input.triggerId,
    team: { id: actor.teamId, domain: actor.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: actor.channel.id, name: actor.channel.name },
    // Slack omits the message body for ephemeral messages it does not store.
    ...(message.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            ts: message.ts,
            text: message.text,
            ...(message.user ? { user: message.user } : {}),
            ...(message.botId ? { bot_id: message.botId } : {}),
            ...(message.blocks ? { blocks: message.blocks } : {}),
          },
        }),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: input.actions,
  };
}

export interface SubmittedView {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  title?: unknown;
  blocks?: Blocks;
  hash?: string;
  /** `state.values[block_id][action_id]` = `{ type, value | selected_option | … }` */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

/** The `view` object Slack puts in view payloads. */
function viewObject(actor: Actor, view: SubmittedView): Record<string, unknown> {
  return {
    id: view.id,
    team_id: actor.teamId,
    type: 'modal',
    blocks: view.blocks ?? [],
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    state: { values: view.values },
    hash: view.hash ?? '',
    title: view.title ?? { type: 'plain_text', text: 'ec2ops' },
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    root_view_id: view.id,
    app_id: actor.appId,
    external_id: '',
    app_installed_team_id: actor.teamId,
    bot_id: '',
  };
}

export function viewSubmissionPayload(
  actor: Actor,
  input: { view: SubmittedView; triggerId: string },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: actor.teamId, domain: actor.teamDomain },
    user: { id: actor.user.id, username: actor.user.name, name: actor.user.name, team_id: actor.teamId },
    api_app_id: actor.appId,
    token: actor.verificationToken,
    trigger_id: input.triggerId,
    view: viewObject(actor, input.view),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A click or selection inside an open modal: block_actions with a view container, no response_url. */
export function viewBlockActionsPayload(
  actor: Actor,
  input: { actions: BlockAction[]; view: SubmittedView; triggerId: string },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: actor.user.id, username: actor.user.name, name: actor.user.name, team_id: actor.teamId },
    api_app_id: actor.appId,
    token: actor.verificationToken,
    container: { type: 'view', view_id: input.view.id },
    trigger_id: input.triggerId,
    team: { id: actor.teamId, domain: actor.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    view: viewObject(actor, input.view),
    actions: input.actions,
  };
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Finds an interactive element by action_id in a message's blocks, as Slack reports a click on it. */
export function actionFromBlocks(
  blocks: Blocks | undefined,
  actionId: string,
  actionTs: string,
  selectedValue?: string,
): BlockAction | undefined {
  for (const [index, block] of (blocks ?? []).entries()) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as Record<string, unknown>;
    const blockId = typeof b['block_id'] === 'string' ? b['block_id'] : `b${index}`;
    const elements = [
      ...(Array.isArray(b['elements']) ? (b['elements'] as unknown[]) : []),
      ...(b['accessory'] ? [b['accessory']] : []),
      ...(b['element'] ? [b['element']] : []),
    ];
    for (const element of elements) {
      const e = element as Record<string, unknown>;
      if (e?.['action_id'] !== actionId) continue;
      const type = String(e['type']);
      const action: BlockAction = { action_id: actionId, block_id: blockId, type, action_ts: actionTs };
      if (e['text'] !== undefined) action.text = e['text'];
      if (typeof e['value'] === 'string') action.value = e['value'];
      if (Array.isArray(e['options']) && selectedValue !== undefined) {
        const option = (e['options'] as Array<Record<string, unknown>>).find(
          (o) => o['value'] === selectedValue,
        );
        if (option) action.selected_option = option;
      }
      return action;
    }
  }
  return undefined;
}
