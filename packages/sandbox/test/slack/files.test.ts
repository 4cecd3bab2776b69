import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET_SLACK_LOGGER } from '../../../../test/slack/quiet-slack-logger';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';

let emulator: SlackEmulator;
let slack: WebClient;

beforeAll(async () => {
  emulator = await startSlackEmulator();
  slack = new WebClient(emulator.botToken, {
    slackApiUrl: `${emulator.url}/api/`,
    retryConfig: { retries: 0 },
    logger: QUIET_SLACK_LOGGER,
  });
});
afterAll(() => emulator.close());

describe('files.uploadV2 through the emulator (getUploadURLExternal, the upload URL, completeUploadExternal)', () => {
  it('shares the uploaded bytes in the channel with the initial comment as its message', async () => {
    const channel = emulator.workspace.resolveChannel('#ec2ops')!;
    const content = '# Forecast\n\n| day | actions |\n|---|---|\n| 1 | 2 released — é |\n';
    const result = (await slack.files.uploadV2({
      channel_id: channel,
      filename: 'forecast.md',
      title: 'Forecast, 7 days',
      content,
      initial_comment: 'Forecast report',
    })) as unknown as { files: { files: { id: string; title: string; size: number }[] }[] };
    const [shared] = result.files[0]!.files;
    expect(shared).toMatchObject({ title: 'Forecast, 7 days', size: Buffer.byteLength(content) });
    const file = emulator.workspace.files.get(shared!.id)!;
    expect(file.content?.toString('utf8')).toBe(content);
    const message = emulator.workspace.history(channel).find((m) => m.ts === file.shares[0]!.ts);
    expect(message?.text).toBe('Forecast report');
    expect(emulator.workspace.files.inChannel(channel).map((f) => f.id)).toContain(file.id);
  });

  it('refuses to complete a file whose bytes never arrived, and shares nothing', async () => {
    const channel = emulator.workspace.resolveChannel('#ec2ops')!;
    const before = emulator.workspace.history(channel).length;
    const { file_id } = await slack.files.getUploadURLExternal({ filename: 'x.md', length: 10 });
    await expect(
      slack.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: channel }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
    expect(emulator.workspace.history(channel)).toHaveLength(before);
  });

  it('refuses bytes of another length than announced', async () => {
    const { upload_url, file_id } = await slack.files.getUploadURLExternal({ filename: 'x.md', length: 3 });
    const answer = await fetch(upload_url!, { method: 'POST', body: 'too long' });
    expect(answer.status).toBe(400);
    expect(emulator.workspace.files.get(file_id!)?.content).toBeUndefined();
  });
});
