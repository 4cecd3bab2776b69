import { describe, expect, it } from 'vitest';
import { blockToText, messageToText, mrkdwnToText } from '../../src/slack/blockkit-text';

describe('Block Kit as text', () => {
  it('unescapes Slack entities and spells out mentions and links', () => {
    expect(
      mrkdwnToText('<@U123> in <#C1|ec2ops> for <!subteam^S1|platform>: <https://x.io|docs> &lt;a&gt; &amp;'),
    ).toBe('@U123 in #ec2ops for @platform: docs (https://x.io) <a> &');
  });

  it('renders headers, sections with fields and accessories, context, dividers and buttons', () => {
    const text = messageToText({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Instances' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*i-1* running' },
          accessory: {
            type: 'button',
            text: { type: 'plain_text', text: 'Stop' },
            style: 'danger',
            action_id: 's',
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: 'type' },
            { type: 'mrkdwn', text: 't3.micro' },
            { type: 'mrkdwn', text: 'owner' },
          ],
        },
        { type: 'divider' },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'expires in 2h' },
            { type: 'plain_text', text: 'dry run' },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
              action_id: 'a',
            },
            {
              type: 'static_select',
              action_id: 'pick',
              placeholder: { type: 'plain_text', text: 'Image' },
              options: [
                { text: { type: 'plain_text', text: 'web' }, value: 'web' },
                { text: { type: 'plain_text', text: 'db' }, value: 'db' },
              ],
            },
          ],
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'INSTANCES',
      '*i-1* running  [!Stop!]',
      `${'type'.padEnd(36)}t3.micro`,
      'owner',
      '─'.repeat(40),
      'expires in 2h  ·  dry run',
      '[*Approve*] [Image ▾ (web | db)]',
    ]);
  });

  it('falls back to the text when there are no blocks', () => {
    expect(messageToText({ text: 'plain &amp; simple' })).toBe('plain & simple');
  });

  it('names blocks it cannot render instead of dropping them', () => {
    expect(blockToText({ type: 'video' })).toBe('[video block]');
  });
});
