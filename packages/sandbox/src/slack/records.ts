/** What the emulator remembers, as tests and the web console read it (JSON-serialisable). */

export type Blocks = unknown[];

export interface ChannelMessage {
  channel: string;
  ts: string;
  /** Who posted it: the bot user for Web API posts, the requester's id is in `onBehalfOf` for replies. */
  user: string;
  botId?: string;
  text: string;
  blocks?: Blocks;
  threadTs?: string;
  replyCount: number;
  /** Set by chat.update or a `replace_original` reply. */
  editedTs?: string;
  deleted: boolean;
  /** How it arrived: a Web API method, a response_url, or the body of the app's HTTP ack. */
  via: 'chat.postMessage' | 'response_url' | 'ack';
  responseUrlId?: string;
}

export interface EphemeralMessage {
  channel: string;
  /** The only user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: Blocks;
  editedTs?: string;
  deleted: boolean;
  /** `ack`: the body the app answered a slash command with; `slack`: Slack's own notice. */
  via: 'chat.postEphemeral' | 'response_url' | 'ack' | 'slack';
  responseUrlId?: string;
}

export interface OpenedView {
  id: string;
  user: string;
  triggerId: string;
  view: Record<string, unknown>;
  hash: string;
  openedAt: number;
  updatedAt?: number;
  /** Set when a submission was accepted (or `response_action: clear`): the modal is gone. */
  closedAt?: number;
  /** `response_action: errors` from the last submission: block_id → message. */
  errors?: Record<string, string>;
}

/** What a response_url was minted for: a slash command, or an interaction on a message. */
export type ResponseSource =
  | { kind: 'command'; command: string; text: string }
  | { kind: 'message'; ts: string; ephemeral: boolean };

export interface ResponseReply {
  at: number;
  /** HTTP status the emulator answered. */
  status: number;
  /** `ok` or Slack's error string (`used_url`, `expired_url`, `no_text`, `invalid_blocks`…). */
  outcome: string;
  payload: Record<string, unknown>;
  /** Where the reply went when it was accepted. */
  posted?: {
    kind: 'ephemeral' | 'in_channel';
    channel: string;
    ts: string;
    action: 'post' | 'replace' | 'delete';
  };
}

export interface ResponseUrlRecord {
  id: string;
  url: string;
  user: string;
  channel: string;
  source: ResponseSource;
  createdAt: number;
  /** Accepted posts so far; Slack allows 5. */
  uses: number;
  replies: ResponseReply[];
  /** The message the last accepted reply created or replaced: what `replace_original` targets next. */
  last?: { kind: 'ephemeral' | 'in_channel'; ts: string };
}

export type EmulatorEventType =
  | 'message.posted'
  | 'message.updated'
  | 'message.deleted'
  | 'ephemeral.posted'
  | 'ephemeral.updated'
  | 'ephemeral.deleted'
  | 'view.opened'
  | 'view.updated'
  | 'view.closed'
  | 'response_url.minted'
  | 'response_url.replied'
  | 'response_url.refused'
  | 'dm.opened';

export interface EmulatorEvent {
  seq: number;
  at: number;
  type: EmulatorEventType;
  channel?: string;
  user?: string;
  ts?: string;
  data: unknown;
}
