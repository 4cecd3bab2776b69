import { ACTION_PREFIX, actionKind } from '@ec2ops/core/slack';
import type App from '@slack/bolt/dist/App';
import { ACTION_HANDLERS } from '../actions/index';
import type { Click } from '../actions/types';
import type { SlackDeps } from '../deps';

/** Every `ec2ops:*` button or select, routed by its kind to slack/actions/<kind>.ts. */
export function registerBlockActions(app: App, deps: SlackDeps): void {
  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const actionId = 'action_id' in action ? action.action_id : '';
    const kind = actionKind(actionId);
    const handler = kind === undefined ? undefined : ACTION_HANDLERS[kind];
    if (!handler) {
      deps.logger.warn({ actionId }, 'no handler for this action');
      return;
    }
    const prefix = `${ACTION_PREFIX}${kind}:`;
    const value =
      'value' in action && typeof action.value === 'string'
        ? action.value
        : 'selected_option' in action && action.selected_option
          ? action.selected_option.value
          : undefined;
    const click: Click = {
      actionId,
      suffix: actionId.startsWith(prefix) ? actionId.slice(prefix.length) : '',
      value,
      user: { id: body.user.id, name: body.user.name },
      channel: body.channel ? { id: body.channel.id, name: body.channel.name } : undefined,
      teamId: body.team?.id,
      responseUrl: body.response_url,
      triggerId: body.trigger_id,
    };
    try {
      await handler(deps, click);
    } catch (error) {
      deps.logger.error({ err: error, actionId }, 'action handler failed');
    }
  });
}
