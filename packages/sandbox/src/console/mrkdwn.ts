/**
 * Slack's mrkdwn, parsed into a flat list of styled pieces the console renders. Pure (no DOM),
 * so it is tested on its own. Covers what ec2ops writes: *bold*, _italic_, ~strike~, `code`,
 * ```blocks```, > quotes, links <url|text>, mentions <@U…>, <#C…|name>, <!here>, and &amp; escapes.
 */
export type Piece =
  | { kind: 'text'; text: string; bold?: boolean; italic?: boolean; strike?: boolean }
  | { kind: 'code'; text: string }
  | { kind: 'pre'; text: string }
  | { kind: 'link'; url: string; text: string }
  | { kind: 'user'; id: string; label?: string }
  | { kind: 'channel'; id: string; label?: string }
  | { kind: 'special'; text: string }
  | { kind: 'quote'; pieces: Piece[] }
  | { kind: 'break' };

/**
 * Emoji codes ec2ops uses, as symbols every desktop font has (no emoji font needed); others keep
 * their `:name:` text, as Slack shows codes it does not know.
 */
const EMOJI: Record<string, string> = {
  white_check_mark: '✔',
  heavy_check_mark: '✔',
  x: '✖',
  no_entry: '⊘',
  warning: '⚠',
  moneybag: '$',
  checkered_flag: '⚑',
  hourglass: '◷',
  hourglass_flowing_sand: '◷',
  lock: '⚿',
  unlock: '⚿',
  star: '★',
  hammer_and_wrench: '⚒',
  information_source: 'ℹ',
  arrow_right: '→',
};

export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
}

export function unescapeHtml(text: string): string {
  return emojify(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

function angle(inner: string): Piece {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) return { kind: 'user', id: target.slice(1), ...(label ? { label } : {}) };
  if (target.startsWith('#')) return { kind: 'channel', id: target.slice(1), ...(label ? { label } : {}) };
  if (target.startsWith('!'))
    return { kind: 'special', text: `@${(label ?? target.slice(1)).replace(/^subteam\^/, '')}` };
  return { kind: 'link', url: unescapeHtml(target), text: unescapeHtml(label ?? target) };
}

interface Style {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
}

const MARKS: Record<string, keyof Style> = { '*': 'bold', _: 'italic', '~': 'strike' };

/** Inline formatting of one line (no code blocks, no quotes). */
function inline(line: string, style: Style, out: Piece[]): void {
  let i = 0;
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: unescapeHtml(plain), ...style });
    plain = '';
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '`') {
      const end = line.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ kind: 'code', text: unescapeHtml(line.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '<') {
      const end = line.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        out.push(angle(line.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    const mark = MARKS[c];
    // A mark opens at a word boundary and closes before one, as Slack requires.
    if (mark && !style[mark] && (i === 0 || /[\s(]/.test(line[i - 1]!))) {
      const end = line.indexOf(c, i + 1);
      if (
        end > i + 1 &&
        line[i + 1] !== ' ' &&
        line[end - 1] !== ' ' &&
        (end + 1 >= line.length || /[\s.,:;!?)]/.test(line[end + 1]!))
      ) {
        flush();
        inline(line.slice(i + 1, end), { ...style, [mark]: true }, out);
        i = end + 1;
        continue;
      }
    }
    plain += c;
    i += 1;
  }
  flush();
}

export function parseMrkdwn(text: string): Piece[] {
  const out: Piece[] = [];
  const chunks = text.split('```');
  chunks.forEach((chunk, index) => {
    if (index % 2 === 1 && index < chunks.length - 1) {
      out.push({ kind: 'pre', text: unescapeHtml(chunk.replace(/^\n/, '').replace(/\n$/, '')) });
      return;
    }
    const lines = chunk.split('\n');
    lines.forEach((line, n) => {
      if (n > 0) out.push({ kind: 'break' });
      const quote = /^(>|&gt;)\s?(.*)$/.exec(line);
      if (quote) {
        const pieces: Piece[] = [];
        inline(quote[2]!, {}, pieces);
        out.push({ kind: 'quote', pieces });
      } else inline(line, {}, out);
    });
  });
  // Line breaks right around a code block are the block's own edges.
  return out.filter(
    (piece, i) => !(piece.kind === 'break' && (out[i - 1]?.kind === 'pre' || out[i + 1]?.kind === 'pre')),
  );
}
