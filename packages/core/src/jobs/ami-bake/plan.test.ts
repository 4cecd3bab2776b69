import { describe, expect, it } from 'vitest';
import { bakeSchema } from '../../config/bake';
import type { AmiBakeObservation, ObservedImage, ObservedInstance } from './observation';
import { type AmiBakePlan, planAmiBake } from './plan';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T03:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A managed instance (as ec2ops launched it) tagged for the nightly bake, unless `tags` says otherwise. */
function instance(id: string, extra: Partial<ObservedInstance> = {}): ObservedInstance {
  const { tags = { 'ec2ops:bake': 'nightly', Name: `name-${id}` }, ...rest } = extra;
  return { id, state: 'running', ...rest, tags: { 'ec2ops:managed': 'true', ...tags } };
}

let seq = 0;
/** An image of `source` baked `daysAgo` days before NOW (DescribeImages fixture). */
function image(source: string, daysAgo: number, extra: Partial<ObservedImage> = {}): ObservedImage {
  seq += 1;
  const id = `ami-${String(seq).padStart(8, '0')}`;
  const { tags, ...rest } = extra;
  return {
    id,
    name: `${source}-${daysAgo}`,
    state: 'available',
    snapshotIds: [`snap-${id.slice(4)}`],
    ...rest,
    tags: {
      'ec2ops:managed': 'true',
      'ec2ops:source-instance': source,
      'ec2ops:baked-at': iso(NOW - daysAgo * DAY + 60_000),
      'ec2ops:available-at': iso(NOW - daysAgo * DAY + 600_000),
      ...tags,
    },
  };
}

function observe(partial: Partial<AmiBakeObservation>): AmiBakeObservation {
  const images = partial.images ?? [];
  return {
    region: 'us-east-1',
    targets: [],
    imageUsers: [],
    launchTemplateVersions: [],
    // DescribeSnapshots: every managed image's snapshots exist unless a test says otherwise.
    snapshots: images.flatMap((i) =>
      i.snapshotIds.map((id) => ({
        id,
        state: 'completed',
        volumeSizeGiB: 8,
        startTime: i.tags['ec2ops:baked-at'],
        tags: { 'ec2ops:managed': 'true', 'ec2ops:source-instance': i.tags['ec2ops:source-instance']! },
      })),
    ),
    ...partial,
    images,
  };
}

function plan(observation: AmiBakeObservation, bake: object = {}, now = NOW, timeZone = 'UTC'): AmiBakePlan {
  return planAmiBake({
    observation,
    now,
    stage: 'dev',
    tagPrefix: 'ec2ops:',
    bake: bakeSchema.parse(bake),
    timeZone,
  });
}
const ids = (p: AmiBakePlan, action: string) =>
  p.items
    .filter((i) => i.action === action)
    .map((i) => i.id)
    .sort();
const skipReason = (p: AmiBakePlan, id: string) => p.skipped.find((s) => s.id === id)?.reason;

describe('bake targets', () => {
  it('bakes running and stopped instances tagged bake=nightly, with NoReboot by default', () => {
    const p = plan(
      observe({
        targets: [
          instance('i-00000001'),
          instance('i-00000002', { state: 'stopped' }),
          instance('i-00000003', { state: 'stopping' }),
          instance('i-00000004', { tags: { 'ec2ops:bake': 'weekly' } }),
        ],
      }),
    );
    expect(ids(p, 'bake')).toEqual(['i-00000001', 'i-00000002']);
    expect(skipReason(p, 'i-00000003')).toBe('instance stopping');
    const bake = p.items[0]!.data;
    expect(bake).toMatchObject({ kind: 'bake', noReboot: true, name: 'name-i-00000001-20261123-0300' });
    if (bake.kind !== 'bake') throw new Error('not a bake');
    expect(bake.tags).toEqual({
      'ec2ops:managed': 'true',
      'ec2ops:source-instance': 'i-00000001',
      'ec2ops:baked-at': '2026-11-23T03:00:00.000Z',
      'ec2ops:stage': 'dev',
    });
  });

  it('never bakes an instance ec2ops does not manage, whatever its bake tag says', () => {
    const unmanaged = {
      id: 'i-00000009',
      state: 'running',
      tags: { 'ec2ops:bake': 'nightly', Name: 'theirs' },
    };
    const p = plan(observe({ targets: [instance('i-00000001'), unmanaged] }));
    expect(ids(p, 'bake')).toEqual(['i-00000001']);
    expect(skipReason(p, 'i-00000009')).toBe('not managed by ec2ops (no ec2ops:managed=true)');
  });

  it('reboots when the config or the instance tag asks, and copies the listed instance tags', () => {
    const p = plan(
      observe({
        targets: [
          instance('i-00000001', {
            tags: { 'ec2ops:bake': 'nightly', team: 'core', 'ec2ops:bake-reboot': 'false' },
          }),
          instance('i-00000002', { tags: { 'ec2ops:bake': 'nightly', team: 'web' } }),
        ],
      }),
      { reboot: true, copyTags: ['team', 'missing'] },
    );
    const data = p.items.map((i) => i.data);
    expect(data.map((d) => d.kind === 'bake' && d.noReboot)).toEqual([true, false]);
    expect(data.map((d) => d.kind === 'bake' && d.tags['team'])).toEqual(['core', 'web']);
  });

  it('does not bake a source twice on the same day of the schedule zone', () => {
    const today = image('i-00000001', 0.1);
    const failedToday = image('i-00000002', 0.05, { state: 'failed' });
    const p = plan(
      observe({ targets: [instance('i-00000001'), instance('i-00000002')], images: [today, failedToday] }),
    );
    expect(ids(p, 'bake')).toEqual(['i-00000002']);
    expect(skipReason(p, 'i-00000001')).toBe('already baked today');
    // 03:00 UTC on the 23rd is still the 22nd in New York: yesterday's (UTC) image counts there.
    const yesterday = image('i-00000003', 0.5);
    const ny = plan(
      observe({ targets: [instance('i-00000003')], images: [yesterday] }),
      {},
      NOW,
      'America/New_York',
    );
    expect(ids(ny, 'bake')).toEqual([]);
    expect(ids(plan(observe({ targets: [instance('i-00000003')], images: [yesterday] })), 'bake')).toEqual([
      'i-00000003',
    ]);
  });
});

describe('retention', () => {
  const source = 'i-0000000a';
  const ages = (n: number) => Array.from({ length: n }, (_, i) => image(source, i + 1));

  it('keeps the newest N available and deregisters the rest with their snapshots', () => {
    const images = ages(5);
    const p = plan(observe({ images }), { retention: { count: 2 } });
    expect(ids(p, 'deregister')).toEqual(
      images
        .slice(2)
        .map((i) => i.id)
        .sort(),
    );
    expect(ids(p, 'delete-snapshot')).toEqual(
      images
        .slice(2)
        .flatMap((i) => i.snapshotIds)
        .sort(),
    );
    expect(skipReason(p, images[0]!.id)).toBe('newest available');
    expect(skipReason(p, images[1]!.id)).toBe('within newest N');
  });

  it('keeps images younger than the age, and either rule keeps an image', () => {
    const images = ages(6);
    const p = plan(observe({ images }), { retention: { count: 2, age: '4d' } });
    expect(ids(p, 'deregister')).toEqual(
      images
        .slice(4)
        .map((i) => i.id)
        .sort(),
    );
    expect(skipReason(p, images[2]!.id)).toBe('younger than retention age');
  });

  it('lets the instance override retention with retain / retain-days tags', () => {
    const images = ages(8);
    const target = instance(source, { tags: { 'ec2ops:bake': 'nightly', 'ec2ops:retain': '5' } });
    expect(
      ids(plan(observe({ images, targets: [target] }), { retention: { count: 2 } }), 'deregister'),
    ).toEqual(
      images
        .slice(5)
        .map((i) => i.id)
        .sort(),
    );
    const byDays = instance(source, { tags: { 'ec2ops:bake': 'nightly', 'ec2ops:retain-days': '7' } });
    expect(
      ids(plan(observe({ images, targets: [byDays] }), { retention: { count: 1 } }), 'deregister'),
    ).toEqual([images[7]!.id].sort());
  });

  it('never removes the newest available image, even when every image is old', () => {
    const images = [image(source, 40), image(source, 50), image(source, 60, { state: 'failed' })];
    const p = plan(observe({ images }), { retention: { count: 0, age: '7d' } });
    expect(skipReason(p, images[0]!.id)).toBe('newest available');
    expect(ids(p, 'deregister')).toEqual([images[1]!.id, images[2]!.id].sort());
  });

  it('never removes keep=true, in-use, pending or unmanaged images', () => {
    const keep = image(source, 10, { tags: { 'ec2ops:keep': 'true' } });
    const byStopped = image(source, 11);
    const byTemplate = image(source, 12);
    const pending = image(source, 13, { state: 'pending' });
    const unmanaged = image(source, 14, { tags: { 'ec2ops:managed': 'false' } });
    const old = image(source, 15);
    const newest = image(source, 1);
    const p = plan(
      observe({
        images: [keep, byStopped, byTemplate, pending, unmanaged, old, newest],
        imageUsers: [{ id: 'i-0000000b', state: 'stopped', imageId: byStopped.id, tags: {} }],
        launchTemplateVersions: [1, 2, 3, 4, 5].map((version) => ({
          templateId: 'lt-0000000000000000a',
          templateName: 'web',
          version,
          imageId: version === 3 ? byTemplate.id : 'ami-0ffffffff',
        })),
      }),
      { retention: { count: 1 } },
    );
    expect(ids(p, 'deregister')).toEqual([old.id]);
    expect(skipReason(p, keep.id)).toBe('keep=true');
    expect(skipReason(p, byStopped.id)).toBe('in use');
    expect(skipReason(p, byTemplate.id)).toBe('in use');
    expect(skipReason(p, pending.id)).toBe('pending');
    expect(skipReason(p, unmanaged.id)).toBe('not managed');
    const inUse = p.sections?.find((s) => s.title.startsWith('Kept because in use'))?.lines.join('\n');
    expect(inUse).toContain('launch template web version 3');
    expect(inUse).toContain('instance i-0000000b (stopped)');
  });

  it('does not count failed images as good and reports them', () => {
    const failed = image(source, 0.5, { state: 'failed', stateReason: 'Client.InternalError' });
    const good = [image(source, 2), image(source, 3)];
    const p = plan(observe({ images: [failed, ...good] }), { retention: { count: 2 } });
    expect(ids(p, 'deregister')).toEqual([failed.id]);
    expect(p.sections?.find((s) => s.title.startsWith('Failed'))?.lines[0]).toContain('Client.InternalError');
  });
});

describe('became available', () => {
  it('marks newly available images once, approving them when the stage auto-approves', () => {
    const fresh = image('i-00000001', 0.5, { tags: { 'ec2ops:available-at': '' } });
    delete fresh.tags['ec2ops:available-at'];
    const seen = image('i-00000001', 1.5);
    const p = plan(observe({ images: [fresh, seen] }), { autoApprove: true });
    expect(ids(p, 'mark-available')).toEqual([fresh.id]);
    expect(p.items.find((i) => i.action === 'mark-available')?.data).toMatchObject({
      tags: { 'ec2ops:available-at': iso(NOW), 'ec2ops:approved': 'true' },
    });
    const manual = plan(observe({ images: [fresh] }));
    expect(manual.items.find((i) => i.action === 'mark-available')?.data).toMatchObject({
      tags: { 'ec2ops:available-at': iso(NOW) },
    });
    expect(JSON.stringify(manual.items)).not.toContain('ec2ops:approved');
  });
});

describe('orphaned snapshots', () => {
  it('deletes managed snapshots whose image is gone, but not those of a bake in progress', () => {
    const orphan = {
      id: 'snap-0000000o',
      state: 'completed',
      volumeSizeGiB: 30,
      startTime: iso(NOW - 3 * DAY),
      tags: { 'ec2ops:managed': 'true', 'ec2ops:source-instance': 'i-00000001' },
    };
    const young = { ...orphan, id: 'snap-0000000y', startTime: iso(NOW - 60_000) };
    const baking = {
      ...orphan,
      id: 'snap-0000000b',
      tags: { ...orphan.tags, 'ec2ops:source-instance': 'i-00000002' },
    };
    const pending = image('i-00000002', 0.01, { state: 'pending', snapshotIds: [] });
    const p = plan(observe({ images: [pending], snapshots: [orphan, young, baking] }));
    expect(ids(p, 'delete-snapshot')).toEqual(['snap-0000000o']);
    expect(p.items[0]!.data).toMatchObject({ orphan: true, sizeGiB: 30 });
  });

  it('keeps a snapshot another remaining image still uses', () => {
    const a = image('i-00000001', 1);
    const b = image('i-00000001', 9);
    const c = image('i-00000001', 10, { snapshotIds: [...b.snapshotIds] });
    const p = plan(observe({ images: [a, b, c] }), { retention: { count: 2 } });
    expect(ids(p, 'deregister')).toEqual([c.id]);
    expect(ids(p, 'delete-snapshot')).toEqual([]);
  });
});

describe('launch templates that name their image through SSM', () => {
  it('holds retention in the region when EC2 could not resolve the parameter', () => {
    const images = [image('i-0000000c', 1), image('i-0000000c', 20), image('i-0000000c', 30)];
    const p = plan(
      observe({
        images,
        launchTemplateVersions: [
          { templateId: 'lt-0000000000000000c', version: 2, imageId: 'resolve:ssm:/golden/ami' },
        ],
      }),
      { retention: { count: 1 } },
    );
    expect(ids(p, 'deregister')).toEqual([]);
    expect(ids(p, 'delete-snapshot')).toEqual([]);
    expect(skipReason(p, images[2]!.id)).toBe('retention held');
    expect(p.sections?.find((s) => s.title === 'Warnings')?.lines[0]).toContain('resolve:ssm:/golden/ami');
  });
});
