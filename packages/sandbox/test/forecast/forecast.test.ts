import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { parseStageConfig, SANDBOX_STAGE, type StageConfigInput } from '@ec2ops/core/config';
import { type Forecast, type ForecastItem, runItems } from '@ec2ops/core/forecast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, runForecast } from '../../src/forecast/run';
import { SANDBOX_CREDENTIALS } from '../../src/iam/stage-policies';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';
import { importAccount } from '../../src/twin/import';
import { readTwin, writeTwin } from '../../src/twin/twin-dir';

const DAYS = 7;
// The sandbox stage with a week's worth of consequences: a 3-day grace for idle addresses and
// three images kept per baked instance, so releases and retention both fall inside the 7 days.
const STAGE: StageConfigInput = {
  ...SANDBOX_STAGE,
  eip: { grace: '3d', warnBefore: '1d' },
  bake: { retention: { count: 3 } },
};
const config = parseStageConfig(STAGE);
let dir: string;
let sandbox: Sandbox;
let forecast: Forecast;
let real: ForecastItem[];
let known: Set<string>;
const clients: EC2Client[] = [];

/**
 * One line per action, comparable between the forecast and the real run: resources that existed
 * at the start by id; resources created during the week (baked images, their snapshots) by their
 * label with ids taken out, since each run gives them ids of its own.
 */
const key = (item: ForecastItem) => {
  const what = known.has(item.id)
    ? item.id
    : `new ${item.resource.replace(/\b(ami|snap|i)-[0-9a-f]+\b/g, '…').replace(/\d{8}-\d{4}/g, '<baked-at>')}`;
  return `day ${item.day} ${item.job} ${item.action} ${item.region} ${what} ${item.status}`;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-forecast-'));
  mkdirSync(join(dir, 'sandbox'));
  writeFileSync(join(dir, 'sandbox', 'stage.json'), JSON.stringify(STAGE));
  sandbox = await startSandbox({ port: 0, stateDir: join(dir, 'sandbox'), schedule: false, log: () => {} });
  const start = sandbox.clock.now();
  const imported = await importAccount({
    ec2: (region) => {
      const c = new EC2Client({ region, endpoint: sandbox.endpoints.ec2, credentials: SANDBOX_CREDENTIALS });
      clients.push(c);
      return c;
    },
    regions: config.regions,
    now: start,
  });
  writeTwin(join(dir, 'twin'), imported, {
    importedAt: new Date(start).toISOString(),
    regions: config.regions,
    source: sandbox.endpoints.ec2,
  });
  const twin = readTwin(join(dir, 'twin'));
  known = new Set(
    Object.values(
      (twin.state as { regions: Record<string, { collections: Record<string, { id: string }[]> }> }).regions,
    )
      .flatMap((r) => Object.values(r.collections).flat())
      .map((record) => record.id),
  );

  forecast = await runForecast({ twin, config, days: DAYS });

  // The same week for real: the sandbox clock moved a day at a time, the jobs run by its scheduler.
  for (let day = 1; day <= DAYS; day += 1) await sandbox.advanceClock(DAY_MS);
  real = sandbox.scheduler
    .view()
    .runs.filter((run) => run.report)
    .reverse()
    .flatMap((run) => {
      const report = run.report!;
      const day = Math.round((Date.parse(report.now) - start) / DAY_MS);
      return runItems({ day, report, reasons: new Map(), facts: () => undefined }).items;
    });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const actions = (job: string, action: string) =>
  forecast.items.filter((i) => i.job === job && i.action === action && i.status === 'done');

describe('a 7-day forecast of the seeded sandbox', () => {
  it('agrees, item by item, with what the jobs do when the clock really moves 7 days', () => {
    expect(forecast.items.length).toBeGreaterThan(0);
    expect(forecast.items.map(key).sort()).toEqual(real.map(key).sort());
  });

  it('releases the idle address it marks once the grace has passed, and prices the release', () => {
    const [marked] = actions('eip-cleanup', 'mark');
    expect(marked).toBeDefined();
    const release = actions('eip-cleanup', 'release').find((i) => i.id === marked!.id);
    expect(release?.day).toBe(marked!.day + 3);
    expect(release?.savedUsdPerMonth).toBeCloseTo(0.005 * 730);
    expect(release?.why).toMatch(/idle/);
  });

  it('closes the expired access rule and says whose it was', () => {
    const [closed] = actions('port-sweep', 'revoke');
    expect(closed?.owner).toMatch(/^U/);
    expect(closed?.why).toMatch(/expire/);
  });

  it('bakes every night and, from the fourth image of an instance, deregisters the oldest', () => {
    const baked = actions('ami-bake', 'bake');
    expect(new Set(baked.map((i) => i.day))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(baked.every((i) => i.name)).toBe(true);
    const deregistered = actions('ami-bake', 'deregister');
    expect(deregistered.length).toBeGreaterThan(0);
    expect(Math.min(...deregistered.map((i) => i.day))).toBeGreaterThanOrEqual(4);
  });

  it('asks an admin to approve each image that becomes available, and sums each day', () => {
    expect(forecast.approvals).toHaveLength(actions('ami-bake', 'mark-available').length);
    expect(forecast.approvals.length).toBeGreaterThan(0);
    expect(forecast.perDay).toHaveLength(DAYS);
    const summed = forecast.perDay.reduce(
      (n, d) => n + Object.values(d.actions).reduce((a, b) => a + b, 0),
      0,
    );
    expect(summed).toBe(forecast.items.filter((i) => i.status === 'done').length);
    expect(forecast.total.savedUsdPerMonth).toBeCloseTo(
      forecast.perDay.reduce((n, d) => n + d.savedUsdPerMonth, 0),
    );
  });
});
