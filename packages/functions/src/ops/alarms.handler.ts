import { createJobRoot } from '../jobs/root';
import { postAlarms } from './alarms';

/** Lambda entry point subscribed to the stage's alarm topic (infra/alarms.ts). */
const root = createJobRoot();

export const handler = (event: Parameters<typeof postAlarms>[1]) =>
  postAlarms({ notifier: root.notifier, channel: root.config.slack.reportChannel, log: root.log }, event);
