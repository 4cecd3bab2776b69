import { describe, expect, it } from 'vitest';
import { captureOutput } from '../../../../test/telemetry/emf';
import { createLog, silentLog } from './log';
import { REDACTED } from './redact';

/** The JSON lines a logger writes while `write` runs. */
async function written(env: Record<string, string>, write: (log: ReturnType<typeof createLog>) => void) {
  const log = createLog(env, { fn: 'slack', stage: 'test' });
  const { lines } = await captureOutput(async () => write(log));
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const TOKEN = 'xoxb-1234-5678-abcdefSECRET';
const HOOK = 'https://hooks.slack.com/commands/T0/123/abcSECRET';

describe("ec2ops' logger (Powertools underneath)", () => {
  it('writes one JSON object per line: level, message, the bindings and the fields', async () => {
    const [line] = await written({ LOG_LEVEL: 'info' }, (log) =>
      log.child({ requestId: 'r-1' }).info({ command: 'launch' }, 'queued'),
    );
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'queued',
      service: 'ec2ops',
      fn: 'slack',
      stage: 'test',
      requestId: 'r-1',
      command: 'launch',
    });
  });

  it('redacts secrets and request bodies by name, and tokens and reply URLs wherever they appear', async () => {
    const lines = await written({ LOG_LEVEL: 'info' }, (log) => {
      log.warn(
        {
          botToken: TOKEN,
          signingSecret: 'shh-SECRET',
          body: `token=abc&text=launch&response_url=${encodeURIComponent(HOOK)}`,
          headers: { authorization: 'Bearer SECRET', 'x-slack-signature': 'v0=SECRET' },
          responseUrl: HOOK,
          note: `sent with ${TOKEN} to ${HOOK}`,
          err: new Error(`invalid_auth for ${TOKEN}`),
        },
        'a request went wrong',
      );
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('SECRET');
    expect(lines[0]).toMatchObject({
      botToken: REDACTED,
      signingSecret: REDACTED,
      body: REDACTED,
      headers: { authorization: REDACTED, 'x-slack-signature': REDACTED },
      responseUrl: REDACTED,
      note: `sent with ${REDACTED} to ${REDACTED}`,
      err: { name: 'Error', message: `invalid_auth for ${REDACTED}` },
    });
  });

  it("keeps a field named like one of Powertools' own keys, beside it", async () => {
    const [line] = await written({ LOG_LEVEL: 'info' }, (log) =>
      log.info({ message: 'from the field', level: 3 }, 'the line'),
    );
    expect(line).toMatchObject({ message: 'the line', message_: 'from the field', level: 'INFO', level_: 3 });
  });

  it('honours LOG_LEVEL (pino names kept), and silent writes nothing', async () => {
    const warnOnly = await written({ LOG_LEVEL: 'warn' }, (log) => {
      log.info('not written');
      log.debug('not written');
      log.warn('written');
    });
    expect(warnOnly.map((l) => l['message'])).toEqual(['written']);
    expect(await written({ LOG_LEVEL: 'silent' }, (log) => log.error('nothing'))).toEqual([]);
    const { lines } = await captureOutput(async () => silentLog().child({ a: 1 }).error('nothing'));
    expect(lines).toEqual([]);
  });

  it('samples debug lines: a rate of 1 writes them at level info', async () => {
    const lines = await written({ LOG_LEVEL: 'info', LOG_DEBUG_SAMPLE_RATE: '1' }, (log) =>
      log.debug('sampled'),
    );
    expect(lines.map((l) => l['message'])).toContain('sampled');
    expect(lines.find((l) => l['message'] === 'sampled')).toMatchObject({ sampling_rate: 1 });
  });

  it('puts the correlation id on every line once set', async () => {
    const lines = await written({ LOG_LEVEL: 'info' }, (log) => {
      log.correlate?.('r-0123456789abcdef');
      log.child({ component: 'bolt' }).info('one');
      log.info({ n: 2 }, 'two');
    });
    expect(lines.map((l) => l['correlation_id'])).toEqual(['r-0123456789abcdef', 'r-0123456789abcdef']);
  });
});
