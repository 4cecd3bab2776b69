import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObservedImage } from './observation';
import { bakedAtMs, planRetention } from './retention';
import { bakeTagKeys } from './tags';

const keys = bakeTagKeys('ec2ops:');
const NOW = Date.parse('2026-11-23T03:00:00Z');
const DAY = 86_400_000;

const imageArb = fc.record({
  state: fc.constantFrom('available', 'available', 'available', 'pending', 'failed', 'error', 'disabled'),
  ageDays: fc.integer({ min: 0, max: 90 }),
  keep: fc.boolean(),
  managed: fc.boolean(),
  used: fc.boolean(),
});

describe('retention, for any images of a source', () => {
  it('never removes what must stay, and keeps what the rules keep', () => {
    fc.assert(
      fc.property(
        fc.array(imageArb, { maxLength: 25 }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        (specs, count, ageDays) => {
          const images: ObservedImage[] = specs.map((s, i) => ({
            id: `ami-${String(i).padStart(8, '0')}`,
            state: s.state,
            snapshotIds: [],
            tags: {
              ...(s.managed ? { [keys.managed]: 'true' } : {}),
              ...(s.keep ? { [keys.keep]: 'true' } : {}),
              [keys.bakedAt]: new Date(NOW - s.ageDays * DAY - i * 1000).toISOString(),
            },
          }));
          const usedBy = new Map(
            images.filter((_, i) => specs[i]!.used).map((img) => [img.id, ['instance i-0 (stopped)']]),
          );
          const rule = { count, ageMs: ageDays === undefined ? undefined : ageDays * DAY };
          const { kept, removed } = planRetention({ images, rule, now: NOW, keys, usedBy });

          expect(kept.length + removed.length).toBe(images.length);
          const removedIds = new Set(removed.map((r) => r.image.id));
          const available = images
            .filter((i) => i.state === 'available')
            .sort((a, b) => bakedAtMs(b, keys) - bakedAtMs(a, keys));
          if (available[0]) expect(removedIds.has(available[0].id)).toBe(false);
          for (const i of available.slice(0, count ?? 0)) expect(removedIds.has(i.id)).toBe(false);
          images.forEach((image, i) => {
            const s = specs[i]!;
            const mustStay =
              s.keep ||
              s.used ||
              !s.managed ||
              s.state === 'pending' ||
              s.state === 'disabled' ||
              (s.state === 'available' &&
                rule.ageMs !== undefined &&
                NOW - bakedAtMs(image, keys) < rule.ageMs);
            if (mustStay) expect(removedIds.has(image.id)).toBe(false);
            // Failed images are never good: removed unless something protects them.
            if (['failed', 'error'].includes(s.state) && !s.keep && !s.used && s.managed) {
              expect(removedIds.has(image.id)).toBe(true);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
