import { InputError } from '../errors';

/**
 * Slack rewrites what a person types before sending it: mentions become `<@U123|name>`,
 * channels `<#C123|name>`, user groups `<!subteam^S123|@team>`, links and e-mail addresses
 * `<https://x|x>` / `<mailto:a@b|a@b>`, and `& < >` are HTML-escaped. This turns all of it back
 * into what the person meant: ids for mentions, the typed text for links.
 */
export function unescapeSlack(text: string): string {
  const entities = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@') || target.startsWith('#')) return target.slice(1);
    if (target.startsWith('!subteam^')) return target.slice('!subteam^'.length);
    if (target.startsWith('!')) return label ?? target.slice(1);
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    // A link Slack made from text the person typed (`example.com`): the label is what they typed.
    return label ?? target;
  });
  return entities.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface Token {
  /** The word with quotes removed (for `key="a b"`, the whole `key=a b`). */
  text: string;
  /** For `key=value` words: the key (lower-cased) and the value with quotes removed. */
  key?: string;
  value?: string;
  /** True when any part of the word was quoted: a quoted word is never a keyword or key. */
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };
const KEY = /^[a-z][a-z0-9_-]*$/i;

/**
 * Splits command text into words. Double, single and Slack's "smart" quotes group words
 * (`reason="db migration"`); a backslash escapes the next character inside quotes.
 */
export function tokenize(input: string): Token[] {
  const text = unescapeSlack(input);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quoted = false;
    let keyEnd = -1;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      const close = QUOTES[ch];
      if (close !== undefined) {
        quoted = true;
        i++;
        let closed = false;
        while (i < text.length) {
          const c = text[i]!;
          if (c === close || (close === '\u201d' && c === '"') || (close === '"' && c === '\u201d')) {
            closed = true;
            i++;
            break;
          }
          if (c === '\\' && i + 1 < text.length) {
            word += text[i + 1];
            i += 2;
            continue;
          }
          word += c;
          i++;
        }
        if (!closed) {
          throw new InputError('command.unclosed-quote', `A quote is not closed: ${ch}${word}`, {
            hint: 'Close the quote, e.g. reason="db migration".',
          });
        }
        continue;
      }
      if (ch === '=' && keyEnd === -1 && !quoted) keyEnd = word.length;
      word += ch;
      i++;
    }
    const token: Token = { text: word, quoted };
    if (keyEnd > 0 && KEY.test(word.slice(0, keyEnd))) {
      token.key = word.slice(0, keyEnd).toLowerCase();
      token.value = word.slice(keyEnd + 1);
    }
    tokens.push(token);
  }
  return tokens;
}
