import { build } from '../root';
import { slackRoot } from './root';

/** Lambda entry point (Function URL, payload v2). Built once per cold start; throws at init on bad settings. */
export const handler = slackRoot(build({ fn: 'Slack', env: process.env }));
