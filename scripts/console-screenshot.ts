/**
 * Takes docs/console.png, the README's picture of the sandbox console: a fresh sandbox in a
 * temporary directory, a few commands typed as the operator, then one screenshot.
 * Run with `npx tsx scripts/console-screenshot.ts` (needs Chromium at /usr/bin/chromium).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '@ec2ops/sandbox/runner/sandbox';
import { chromium } from 'playwright-core';

const COMMANDS = (process.argv[2] ?? '/ec2 help')
  .split(';')
  .map((c) => c.trim())
  .filter(Boolean);
const OUT = join(import.meta.dirname, '..', 'docs', 'console.png');

const dir = mkdtempSync(join(tmpdir(), 'ec2ops-screenshot-'));
const sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(sandbox.endpoints.console);
  await page.locator('.account tr[data-id]').first().waitFor();
  for (const command of COMMANDS) {
    const before = await page.locator('.messages article.msg').count();
    await page.locator('form.composer input[name="command"]').fill(command);
    await page.locator('form.composer input[name="command"]').press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.messages article.msg').length > n, before);
    await sandbox.sqs.drain();
    await page.waitForTimeout(500);
  }
  await page.screenshot({ path: OUT });
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  await browser.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}
