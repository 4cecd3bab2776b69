import type { StageConfigInput } from '@ec2ops/core/config';

/** Settings that shape the deployment itself; the functions never see them. */
export interface DeploySettings {
  /** Subscribed by email to the stage's alarms (the address must confirm once). */
  alarmEmail?: string;
  /** How long function logs are kept in CloudWatch. */
  logRetention?: '1 week' | '2 weeks' | '1 month' | '3 months' | '6 months' | '1 year';
  /**
   * The installed app's bot (Slack: `auth.test` with the bot token returns `bot_id` and
   * `user_id`). Spares the slack function a Slack call at cold start; optional.
   */
  slackBot?: { botId: string; botUserId: string };
}

/** One stage: `infra/stages/<name>.ts` exports one of these, listed in ./index.ts. */
export interface StageDefinition {
  /** The typed settings the functions run with (every setting: docs/config.md). */
  config: StageConfigInput;
  deploy?: DeploySettings;
}
