import { describe, expect, it } from 'vitest';
import { tokenize, unescapeSlack } from './tokenize';

describe('unescapeSlack', () => {
  it('turns mentions, channels and user groups into their ids', () => {
    expect(unescapeSlack('<@U123ABC|alice> <@W99> <#C0FFEE|ops> <!subteam^S42|@sre>')).toBe(
      'U123ABC W99 C0FFEE S42',
    );
  });
  it('keeps what the person typed for links and e-mail addresses', () => {
    expect(unescapeSlack('<http://example.com|example.com> <mailto:a@b.io|a@b.io> <https://x.io/a>')).toBe(
      'example.com a@b.io https://x.io/a',
    );
  });
  it('decodes &amp; &lt; &gt; after the entities, so a decoded < is not read as an entity', () => {
    expect(unescapeSlack('a &amp; b &lt;@U1&gt;')).toBe('a & b <@U1>');
  });
});

describe('tokenize', () => {
  it('splits on any whitespace', () => {
    expect(tokenize('  launch\tal2023 \n type=t3.small ').map((t) => t.text)).toEqual([
      'launch',
      'al2023',
      'type=t3.small',
    ]);
  });
  it('reads key=value options, with quoted values keeping their spaces', () => {
    const [token] = tokenize('reason="db migration tonight"');
    expect(token).toMatchObject({ key: 'reason', value: 'db migration tonight', quoted: true });
  });
  it('accepts single and Slack smart quotes', () => {
    expect(tokenize("reason='a b' note=\u201cc d\u201d").map((t) => t.value)).toEqual(['a b', 'c d']);
  });
  it('lets a backslash escape a quote inside quotes', () => {
    expect(tokenize('reason="say \\"hi\\""')[0]!.value).toBe('say "hi"');
  });
  it('treats a quoted word as a plain value, never as an option', () => {
    const [token] = tokenize('"a=b"');
    expect(token).toMatchObject({ text: 'a=b', quoted: true });
    expect(token!.key).toBeUndefined();
  });
  it('refuses an unclosed quote', () => {
    expect(() => tokenize('reason="oops')).toThrow(/quote is not closed/);
  });
  it('unescapes Slack entities inside values', () => {
    expect(tokenize('owner=<@U0ALICE|alice>')[0]).toMatchObject({ key: 'owner', value: 'U0ALICE' });
  });
});
