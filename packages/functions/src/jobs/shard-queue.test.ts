import { describe, expect, it } from 'vitest';
import { parseFleetMessage } from './shard-queue';

const run = {
  job: 'eip-cleanup',
  runId: 'eip-cleanup-1234abcd',
  now: '2026-12-02T10:00:00.000Z',
  dryRun: false,
  expected: [{ account: '111111111111', alias: 'dev', region: 'us-east-1' }],
  startedAt: '2026-12-02T10:00:00.000Z',
  deadline: '2026-12-02T12:00:00.000Z',
};
const shard = { kind: 'shard', ...run, account: '111111111111', alias: 'dev', region: 'us-east-1' };

describe('a fan-out run’s queue message', () => {
  it('reads a shard, a continuation with its cursor, and a deadline as sent', () => {
    expect(parseFleetMessage(JSON.stringify(shard))).toEqual(shard);
    const continued = { ...shard, continuation: 2, cursor: ['eipalloc-1', 'eipalloc-2'] };
    expect(parseFleetMessage(JSON.stringify(continued))).toEqual(continued);
    expect(parseFleetMessage(JSON.stringify({ kind: 'deadline', ...run }))).toEqual({
      kind: 'deadline',
      ...run,
    });
  });

  it.each([
    ['not JSON', '{"kind":'],
    ['an unknown kind', JSON.stringify({ ...shard, kind: 'report' })],
    ['an unknown job', JSON.stringify({ ...shard, job: 'rm-rf' })],
    ['a shard without its region', JSON.stringify({ ...shard, region: undefined })],
    ['a negative continuation', JSON.stringify({ ...shard, continuation: -1 })],
    ['a cursor of numbers', JSON.stringify({ ...shard, cursor: [1, 2] })],
    [
      'an expected shard without an alias',
      JSON.stringify({ ...shard, expected: [{ account: '1', region: 'x' }] }),
    ],
  ])('refuses %s with job.shard-message', (_, body) => {
    expect(() => parseFleetMessage(body)).toThrow(expect.objectContaining({ code: 'job.shard-message' }));
  });
});
