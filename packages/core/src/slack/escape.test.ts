import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unescapeSlack } from '../commands/tokenize';
import { code, escapeKeepingMentions, escapeMrkdwn, userMention } from './escape';

/** Strings rich in what mrkdwn reacts to, plus anything at all. */
const hostile = fc.oneof(
  fc.string(),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '|', '`', 'U', '1', 'a', ':', '/', '\n', ' '),
  }),
  fc.constantFrom(
    '<!channel>',
    '<!here>',
    '<@UADMIN>',
    '<https://evil.example|Approve>',
    '&lt;!channel&gt;',
    '`a` <!everyone> `',
    '<!subteam^S1|@team>',
  ),
);
/** Whatever Slack would treat as a mention, broadcast or link: `<` followed later by `>`. */
const ENTITY = /<[^<>]*>/;

describe('escapeMrkdwn: the one escaping rule for user strings in Slack messages', () => {
  it('no output can form a broadcast, a mention or a labelled link, wherever it is placed', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const line = `${escapeMrkdwn(a)} said ${escapeMrkdwn(b)} · ${code(a)}`;
        expect(line).not.toMatch(ENTITY);
        expect(line).not.toContain('<!');
        expect(line).not.toContain('<@');
      }),
    );
  });
  it('loses nothing: Slack renders the entities back to exactly what was typed', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        expect(unescapeSlack(escapeMrkdwn(s))).toBe(s);
      }),
    );
  });
  it('inside a code span nothing can end the span (exactly two backticks, one line)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const span = code(s);
        expect(span.startsWith('`') && span.endsWith('`')).toBe(true);
        expect(span.split('`')).toHaveLength(3);
        expect(span).not.toMatch(/[\r\n<>]/);
      }),
    );
  });
  it('shows the typed examples from the probing as harmless text', () => {
    expect(escapeMrkdwn('<!channel> look <https://x.example|here>')).toBe(
      '&lt;!channel&gt; look &lt;https://x.example|here&gt;',
    );
    expect(code('db` <!here> `x')).toBe('`dbˋ &lt;!here&gt; ˋx`');
  });
});

describe('mentions ec2ops writes itself', () => {
  it('mentions a well-formed user id and shows anything else as text', () => {
    expect(userMention('U0123ABC')).toBe('<@U0123ABC>');
    expect(userMention('U1> <!channel')).toBe('U1&gt; &lt;!channel');
  });
  it('errors keep bare user and channel mentions and nothing else', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = escapeKeepingMentions(`belongs to <@UOWNER1> in <#C0OPS>: ${s}`);
        expect(out.startsWith('belongs to <@UOWNER1> in <#C0OPS>: ')).toBe(true);
        expect(out).not.toContain('<!');
        expect(out).not.toMatch(/<[^@#][^<>]*>|<[@#][^<>]*[^A-Z0-9<>][^<>]*>/);
      }),
    );
  });
});
