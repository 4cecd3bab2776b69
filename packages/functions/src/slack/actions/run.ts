import { intake } from '../intake';
import { queueNotice } from '../notice';
import type { ActionHandler } from './types';

/**
 * `ec2ops:run:*` — the value is a command line; the clicker runs it with their own role, as if
 * typed (Extend, Close now, Next page…). Paging buttons (`ec2ops:run:page-N`) replace the
 * message they are on.
 */
export const run: ActionHandler = async (deps, click) => {
  if (!click.value) return;
  const result = await intake(deps, {
    text: click.value,
    user: click.user,
    channel: click.channel ?? { id: click.user.id },
    teamId: click.teamId,
    responseUrl: click.responseUrl,
    origin: 'button',
    replaceOriginal: click.suffix.startsWith('page'),
  });
  if (result.kind === 'refused') await queueNotice(deps, click.responseUrl, result.requestId, result.error);
};
