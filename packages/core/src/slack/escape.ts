/**
 * Everything a person typed, and every tag or name read back from AWS, is untrusted mrkdwn.
 * Slack turns `<…>` into mentions, broadcasts and labelled links (`<!channel>`, `<@U1>`,
 * `<https://evil|Approve>`), so an echoed `<` is enough to ping a channel from an audit line.
 * Slack's own rule is to write `&`, `<` and `>` as entities; it renders them back as typed.
 *
 * `escapeMrkdwn` is THE function for user strings in messages (text and blocks). `code` is the
 * same escaping for a string shown as inline code, where a backtick would also close the span:
 * backticks become ˋ (U+02CB, which looks alike and formats nothing) and line breaks, which end
 * an inline span, become spaces.
 */
export function escapeMrkdwn(text: string, options: { inCode?: boolean } = {}): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return options.inCode ? escaped.replace(/`/g, '\u02cb').replace(/[\r\n]+/g, ' ') : escaped;
}

/** A user string as inline code: `` `…` ``, with nothing inside able to end the span. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text, { inCode: true }) || ' '}\``;
}

/** Only letters and digits after the sigil: nothing in an id can close `<…>` or add a label. */
const USER_ID = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** `<@U…>` for a well-formed user id; anything else (a tampered owner tag) is shown as text. */
export function userMention(id: string): string {
  return USER_ID.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

/** `<#C…>` for a well-formed channel id; anything else is shown as text. */
export function channelMention(id: string): string {
  return CHANNEL_ID.test(id) ? `<#${id}>` : escapeMrkdwn(id);
}

/**
 * For error messages, which ec2ops writes with bare mentions of owners (`<@U123>`) around echoed
 * input: escapes everything, then gives back exactly those bare user and channel mentions. A
 * broadcast, a labelled link or a user-group mention can never survive it, and errors are
 * ephemeral (only the person who caused them sees them), so a self-typed bare mention harms no one.
 */
export function escapeKeepingMentions(text: string): string {
  return escapeMrkdwn(text).replace(/&lt;([@#])([A-Z0-9]+)&gt;/g, (whole, sigil: string, id: string) =>
    (sigil === '@' ? USER_ID : CHANNEL_ID).test(id) ? `<${sigil}${id}>` : whole,
  );
}
