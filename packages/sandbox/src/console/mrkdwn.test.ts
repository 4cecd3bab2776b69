import { describe, expect, it } from 'vitest';
import { parseMrkdwn } from './mrkdwn';

describe('parseMrkdwn', () => {
  it('styles bold, italic, strike and code', () => {
    expect(parseMrkdwn('*i-0abc* is _running_ ~now~ `t3.micro`')).toEqual([
      { kind: 'text', text: 'i-0abc', bold: true },
      { kind: 'text', text: ' is ' },
      { kind: 'text', text: 'running', italic: true },
      { kind: 'text', text: ' ' },
      { kind: 'text', text: 'now', strike: true },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 't3.micro' },
    ]);
  });

  it('leaves marks inside words alone', () => {
    expect(parseMrkdwn('snake_case_name 2*3*4')).toEqual([{ kind: 'text', text: 'snake_case_name 2*3*4' }]);
  });

  it('reads links, mentions and escapes', () => {
    expect(
      parseMrkdwn('<@UOPERATOR> in <#C0EC2OPS|ec2ops>: <https://x.test/?a=1&amp;b=2|docs> &lt;ok&gt;'),
    ).toEqual([
      { kind: 'user', id: 'UOPERATOR' },
      { kind: 'text', text: ' in ' },
      { kind: 'channel', id: 'C0EC2OPS', label: 'ec2ops' },
      { kind: 'text', text: ': ' },
      { kind: 'link', url: 'https://x.test/?a=1&b=2', text: 'docs' },
      { kind: 'text', text: ' <ok>' },
    ]);
  });

  it('shows the emoji codes ec2ops uses as symbols and keeps unknown ones as text', () => {
    expect(parseMrkdwn(':white_check_mark: done :custom_thing:')).toEqual([
      { kind: 'text', text: '✔ done :custom_thing:' },
    ]);
  });

  it('keeps code blocks verbatim and splits lines', () => {
    expect(parseMrkdwn('Usage:\n```/ec2 open *port*```\nnext\n> quoted *bit*')).toEqual([
      { kind: 'text', text: 'Usage:' },
      { kind: 'pre', text: '/ec2 open *port*' },
      { kind: 'text', text: 'next' },
      { kind: 'break' },
      {
        kind: 'quote',
        pieces: [
          { kind: 'text', text: 'quoted ' },
          { kind: 'text', text: 'bit', bold: true },
        ],
      },
    ]);
  });
});
