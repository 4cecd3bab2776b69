import { describe, expect, it } from 'vitest';
import { parseStageConfig } from '../config';
import { jobStatuses, statusMessage } from './status';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const config = parseStageConfig({ stage: 'test', regions: ['us-east-1'], slack: {} } as never);

describe('/ec2 status', () => {
  it('gives every job its last run and its next run from the stage schedule', () => {
    const runs = new Map([
      [
        'port-sweep',
        { job: 'port-sweep', at: '2026-12-02T09:59:00Z', ok: true, dryRun: false, summary: '1 done' },
      ],
      [
        'eip-cleanup',
        { job: 'eip-cleanup', at: '2026-12-02T08:00:00Z', ok: false, dryRun: true, summary: '1 failed' },
      ],
    ]);
    const jobs = jobStatuses(config, runs, NOW);
    expect(jobs.map((j) => j.name).sort()).toEqual([
      'ami-bake',
      'eip-cleanup',
      'instance-reaper',
      'port-sweep',
    ]);
    const sweep = jobs.find((j) => j.name === 'port-sweep')!;
    expect(sweep.lastRun?.summary).toBe('1 done');
    expect(sweep.nextRunMs).toBeGreaterThan(NOW);
    expect(sweep.nextRunMs! - NOW).toBeLessThanOrEqual(60_000);

    const message = statusMessage({
      nowMs: NOW,
      jobs,
      queues: { ok: true, value: [{ label: 'requests', visible: 3, inFlight: 1, oldestAgeSeconds: 90 }] },
      alarms: {
        ok: true,
        value: [{ name: 'ec2ops-test-<!channel>', since: '2026-12-02T09:30:00Z', reason: 'x > 0 <@U1>' }],
      },
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*port-sweep* · last: :white_check_mark: 1m ago: 1 done');
    expect(text).toContain('*eip-cleanup* · last: :x: 2h ago (dry run): 1 failed');
    expect(text).toContain('*ami-bake* · last: no run recorded');
    expect(text).toContain('*requests*: 3 waiting, 1 in flight, oldest 90s');
    expect(text).toContain('ec2ops-test-&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U1>');
    expect(message.text).toBe('ec2ops status: 1 job failing last run, 1 alarm open');
  });

  it('says which source could not be read, and still shows the rest', () => {
    const message = statusMessage({
      nowMs: NOW,
      jobs: jobStatuses(config, new Map(), NOW),
      runsError: 'no coordination table',
      queues: { ok: false, error: 'AccessDenied' },
      alarms: { ok: false, error: 'throttled' },
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Last runs unknown: no coordination table');
    expect(text).toContain('*Queue*\\ncould not be read: AccessDenied');
    expect(text).toContain('*Alarms*\\ncould not be read: throttled');
    expect(message.text).toContain('alarms unknown');
  });
});
