import { SLASH_COMMAND } from '@ec2ops/core/commands';
import { code, context, errorMessage, type Message, modalCallbackId, section } from '@ec2ops/core/slack';
import type App from '@slack/bolt/dist/App';
import type { SlackDeps } from '../deps';
import { intake } from '../intake';

/**
 * `/ec2 …`: authorise, parse, queue, and ack with a short "working on it" (or nothing for help,
 * whose answer follows at once through response_url). Refusals are the ack itself: ephemeral,
 * immediate, nothing queued. A command whose spec has a modal opens it (views.open, the one
 * Slack call this function makes, because the trigger expires in 3 seconds).
 */
export function registerSlashCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client }) => {
    let result: Awaited<ReturnType<typeof intake>>;
    try {
      result = await intake(deps, {
        text: command.text ?? '',
        user: { id: command.user_id, name: command.user_name },
        channel: { id: command.channel_id, name: command.channel_name },
        teamId: command.team_id,
        responseUrl: command.response_url,
        origin: 'slash',
      });
    } catch (error) {
      // A bug here must still answer the person, not leave Slack showing "dispatch_failed".
      const requestId = deps.newRequestId();
      deps.logger.error({ err: error, requestId }, 'slash command failed');
      await ack(slack(errorMessage(error, requestId)));
      return;
    }
    if (result.kind === 'refused') {
      await ack(slack(errorMessage(result.error, result.requestId)));
      return;
    }
    if (result.kind === 'modal') {
      const view = result.spec.modal!.build({
        user: { id: command.user_id, role: result.role },
        config: deps.config,
        channel: command.channel_id,
      });
      try {
        await client.views.open({
          trigger_id: command.trigger_id,
          view: {
            ...view,
            callback_id: modalCallbackId(result.spec.name),
            private_metadata: JSON.stringify({ channel: command.channel_id }),
          } as never,
        });
        await ack();
      } catch (error) {
        deps.logger.warn({ err: error, requestId: result.requestId }, 'views.open failed');
        await ack(slack(errorMessage(error, result.requestId)));
      }
      return;
    }
    if (result.spec.name === 'help') {
      await ack();
      return;
    }
    await ack(slack(working(result.request.text, result.request.id)));
  });
}

function working(text: string, requestId: string): Message {
  return {
    response_type: 'ephemeral',
    text: `Working on ${code(`${SLASH_COMMAND} ${text}`)}…`,
    blocks: [
      ...section(`:hourglass_flowing_sand: Working on ${code(`${SLASH_COMMAND} ${text}`)}…`),
      ...context(`request ${code(requestId)}`),
    ],
  };
}

/** Core's Message is Slack's JSON; Bolt's types are stricter unions of the same shapes. */
export function slack(message: Message): never {
  return message as never;
}
