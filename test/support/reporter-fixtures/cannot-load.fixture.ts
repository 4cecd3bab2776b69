import { expect, it } from 'vitest';

// A module that throws while loading (here: bad JSON at top level) never collects its tests.
const settings: unknown = JSON.parse('{ not json');

it('never collected', () => {
  expect(settings).toBeDefined();
});
