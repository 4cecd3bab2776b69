import { errorMessage, modalCallbackId } from '@ec2ops/core/slack';
import type App from '@slack/bolt/dist/App';
import type { SlackDeps } from '../deps';
import { intake } from '../intake';

/**
 * A submitted ec2ops modal: the command's `modal.toValues` names the values, which take the
 * same path as typed commands as values (never joined into text and re-parsed, so a value
 * cannot smuggle options). Problems are shown in the modal.
 */
export function registerViewSubmission(app: App, deps: SlackDeps): void {
  app.view(/^ec2ops:modal:/, async ({ ack, body, view }) => {
    const spec = deps.commands.specs.find((s) => s.modal && modalCallbackId(s.name) === view.callback_id);
    const values: Record<string, string | undefined> = {};
    for (const [blockId, actions] of Object.entries(view.state.values)) {
      const first = Object.values(actions)[0] as
        | { value?: string | null; selected_option?: { value: string } | null }
        | undefined;
      values[blockId] = first?.selected_option?.value ?? first?.value ?? undefined;
    }
    const firstBlock = Object.keys(view.state.values)[0];
    if (!spec?.modal) {
      await ack();
      return;
    }
    let channel = body.user.id;
    try {
      channel = (JSON.parse(view.private_metadata || '{}') as { channel?: string }).channel ?? channel;
    } catch {
      // A modal ec2ops did not open: answer in the user's DM.
    }
    const result = await intake(deps, {
      text: spec.name,
      form: { command: spec.name, values: spec.modal.toValues(values) },
      user: { id: body.user.id, name: body.user.name },
      channel: { id: channel },
      teamId: body.team?.id,
      origin: 'modal',
    });
    if (result.kind === 'refused' && firstBlock) {
      const message = errorMessage(result.error, result.requestId).text;
      await ack({ response_action: 'errors', errors: { [firstBlock]: message.slice(0, 2000) } });
      return;
    }
    await ack();
  });
}
