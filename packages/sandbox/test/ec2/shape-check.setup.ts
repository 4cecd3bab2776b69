import { afterAll, expect } from 'vitest';
import { observeResponses } from '../../src/ec2/response-observers';
import { shapeViolations } from './shape-check';

/**
 * Set up before every integration test file (vitest.config.ts): records what any in-process EC2
 * emulator answers while the file runs and, after it, checks each answer against the EC2 model
 * (./shape-check.ts). Checking after the file keeps the emulator's timing untouched; a few
 * answers per action are enough to catch a wrong name or type, so memory stays bounded.
 */
const KEPT_PER_ACTION = 25;
const recorded = new Map<string, string[]>();
const stop = observeResponses((action, xml) => {
  const kept = recorded.get(action) ?? [];
  if (kept.length < KEPT_PER_ACTION) recorded.set(action, [...kept, xml]);
});

afterAll(() => {
  stop();
  const violations = new Set<string>();
  for (const [action, xmls] of recorded)
    for (const xml of xmls) for (const v of shapeViolations(action, xml)) violations.add(v);
  expect([...violations], 'EC2 emulator responses that do not match the EC2 model').toEqual([]);
});
