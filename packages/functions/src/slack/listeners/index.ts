import type App from '@slack/bolt/dist/App';
import type { SlackDeps } from '../deps';
import { registerBlockActions } from './block-actions';
import { registerSlashCommand } from './slash-command';
import { registerViewSubmission } from './view-submission';

/** Every listener of the slack function, one file each. */
export function registerListeners(app: App, deps: SlackDeps): void {
  registerSlashCommand(app, deps);
  registerBlockActions(app, deps);
  registerViewSubmission(app, deps);
}
