import type { StageConfig } from '@ec2ops/core/config';
import { type AccountPage, type AccountQuery, NO_FILTER, queryAccount } from '../console/account-query';
import type {
  ConsoleAction,
  ConsoleChannel,
  ConsoleMessage,
  ConsoleSnapshot,
  ConsoleState,
  ConsoleSubmit,
  ConsoleUser,
  Endpoints,
  SendResult,
} from '../console/types';
import type { DriverResult, SlackAppDriver } from '../slack/app-driver';
import type { SlackWorkspace } from '../slack/workspace';
import { AccountFeed, type AccountRows } from './account-feed';

/**
 * What the console asks of the sandbox. Everything a person does in the console reaches the app
 * as Slack would send it — signed, over HTTP, to `/slack/events` — through the Slack emulator's
 * driver, which also records what Slack shows afterwards (ack bodies, failure notices, modal errors).
 */
export interface ConsoleBackendOptions {
  workspace: SlackWorkspace;
  driver: SlackAppDriver;
  config: StageConfig;
  endpoints: Endpoints;
  signingSecretSource: ConsoleSnapshot['signingSecret'];
  clock: { now(): number; offset: number };
  /** The account's rows, kept up to date from the emulator's changes. */
  account: AccountRows;
  jobs: () => ConsoleSnapshot['jobs'];
  queue: () => ConsoleSnapshot['queue'];
}

export class ConsoleBackend {
  /** The account is large at fleet scale: read once, then sent as per-resource changes. */
  readonly account: AccountFeed;

  constructor(private readonly o: ConsoleBackendOptions) {
    this.account = new AccountFeed(o.account);
  }

  private channels(user: string): ConsoleChannel[] {
    const slack = this.o.config.slack;
    const purpose = (id: string): ConsoleChannel['purpose'] => {
      if (id === slack.approvalsChannel) return 'approvals';
      if (id === slack.auditChannel) return 'audit';
      if (id === slack.reportChannel) return 'commands';
      return 'other';
    };
    const list: ConsoleChannel[] = this.o.workspace.seed.channels.map((c) => ({
      id: c.id,
      name: c.name,
      purpose: purpose(c.id),
    }));
    if (!list.some((c) => c.purpose === 'commands') && list[0]) list[0].purpose = 'commands';
    const dm = this.o.workspace.dms().find((d) => d.user === user);
    if (dm) list.push({ id: dm.channel, name: `ec2ops (direct messages)`, purpose: 'other' });
    return list;
  }

  private users(): ConsoleUser[] {
    const roles = this.o.config.roles.users;
    return this.o.workspace.seed.users.map((u) => {
      const role = roles[u.id] ?? u.role;
      return { id: u.id, name: u.name, realName: u.realName, ...(role ? { role } : {}) };
    });
  }

  private origin(responseUrlId: string | undefined): Pick<ConsoleMessage, 'command' | 'requestedBy'> {
    const record = responseUrlId ? this.o.workspace.responseUrl(responseUrlId) : undefined;
    if (record?.source.kind !== 'command') return {};
    return { command: `${record.source.command} ${record.source.text}`.trim(), requestedBy: record.user };
  }

  private messages(user: string, channels: ConsoleChannel[]): Record<string, ConsoleMessage[]> {
    const ws = this.o.workspace;
    const out: Record<string, ConsoleMessage[]> = {};
    for (const channel of channels) {
      const shared: ConsoleMessage[] = ws.messages(channel.id).map((m) => ({
        channel: m.channel,
        ts: m.ts,
        user: m.user,
        text: m.text,
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ephemeral: false,
        edited: Boolean(m.editedTs),
        ...this.origin(m.responseUrlId),
      }));
      const mine: ConsoleMessage[] = ws.ephemerals({ user, channel: channel.id }).map((m) => ({
        channel: m.channel,
        ts: m.ts,
        user: ws.seed.bot.userId,
        text: m.text,
        ...(m.blocks ? { blocks: m.blocks } : {}),
        ephemeral: true,
        edited: Boolean(m.editedTs),
        ...this.origin(m.responseUrlId),
      }));
      out[channel.id] = [...shared, ...mine].sort((a, b) => Number(a.ts) - Number(b.ts));
    }
    return out;
  }

  /** The small state with one page of each table (the first, unless the query says otherwise). */
  async snapshot(
    user: string,
    query: AccountQuery = { filter: NO_FILTER, pages: {} },
  ): Promise<ConsoleSnapshot> {
    const state = this.state(user);
    const account = this.accountPage(query);
    return { ...state, account, accountVersion: account.version };
  }

  /** One page of each table, filtered; owners searched by their names as the page shows them. */
  accountPage(query: AccountQuery): AccountPage {
    const { version, view } = this.account.current();
    const names = new Map(this.users().map((u) => [u.id, u.realName]));
    return queryAccount(view, version, query, (id) => names.get(id) ?? id);
  }

  state(user: string): ConsoleState {
    const channels = this.channels(user);
    const views = this.o.workspace
      .views({ user })
      .filter((v) => v.closedAt === undefined)
      .map((v) => ({ id: v.id, view: v.view, ...(v.errors ? { errors: v.errors } : {}) }));
    return {
      now: new Date(this.o.clock.now()).toISOString(),
      clockOffsetMs: this.o.clock.offset,
      stage: this.o.config.stage,
      signingSecret: this.o.signingSecretSource,
      users: this.users(),
      channels,
      messages: this.messages(user, channels),
      views: views.slice(-1),
      jobs: this.o.jobs(),
      queue: this.o.queue(),
      endpoints: this.o.endpoints,
    };
  }

  async command(user: string, channel: string, line: string): Promise<SendResult> {
    const text = line.trim();
    if (!text.startsWith('/')) {
      // ec2ops only hears slash commands and clicks; a plain message never reaches it.
      return { status: 200, error: 'ec2ops only answers slash commands here: try /ec2 help.' };
    }
    // Failures show up in the channel as Slack's own notice, recorded by the driver.
    const sent = await this.o.driver.command({ user, channel, text });
    return { status: sent.status };
  }

  async action(a: ConsoleAction): Promise<SendResult> {
    if (a.viewId) {
      const value = a.selectedOption?.value ?? a.value;
      return result(
        await this.o.driver.viewAction({
          user: a.user,
          viewId: a.viewId,
          actionId: a.actionId,
          ...(value !== undefined ? { value } : {}),
        }),
      );
    }
    if (!a.messageTs) return { status: 400, error: 'messageTs or viewId is required' };
    return result(
      await this.o.driver.click({
        user: a.user,
        channel: a.channel,
        ts: a.messageTs,
        actionId: a.actionId,
        ...(a.selectedOption ? { value: a.selectedOption.value } : {}),
      }),
    );
  }

  async submit(s: ConsoleSubmit): Promise<SendResult> {
    const view = this.o.workspace.view(s.viewId);
    if (!view || view.closedAt !== undefined || view.user !== s.user) {
      return { status: 404, error: 'That dialog is no longer open.' };
    }
    return result(await this.o.driver.submit({ user: s.user, viewId: s.viewId, values: s.values }));
  }

  /** The person dismissed the modal (Slack tells the app only when it asked: notify_on_close). */
  closeView(viewId: string): void {
    this.o.workspace.settleView(viewId, { close: true });
  }
}

/** The driver already put Slack's notices in the channel; the console only needs the status. */
function result(r: DriverResult): SendResult {
  return { status: r.status, ...(r.error ? { error: `failed with the error "${r.error}"` } : {}) };
}
