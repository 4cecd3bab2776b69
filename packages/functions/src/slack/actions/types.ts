import type { SlackDeps } from '../deps';

/** What an action handler gets: the click, reduced to what ec2ops reads. */
export interface Click {
  actionId: string;
  /** What follows `ec2ops:<kind>:` in the action_id (may be empty). */
  suffix: string;
  /** A button's value, or a select's selected value. */
  value: string | undefined;
  user: { id: string; name?: string | undefined };
  channel: { id: string; name?: string | undefined } | undefined;
  teamId: string | undefined;
  responseUrl: string | undefined;
  triggerId: string | undefined;
}

/** Handles the clicks of one action kind (`ec2ops:<kind>[:…]`). Must be fast: Bolt on Lambda answers Slack after it returns. */
export type ActionHandler = (deps: SlackDeps, click: Click) => Promise<void>;
