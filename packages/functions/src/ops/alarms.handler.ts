import { build } from '../root';
import { alarmsRoot } from './root';

/** Lambda entry point subscribed to the stage's alarm topic (infra/alarms-slack.ts). */
export const handler = alarmsRoot(build({ fn: 'AlarmsToSlack', env: process.env }));
