import * as z from 'zod';
import { durationSchema } from '../time/durations';

export const bakeRetentionSchema = z
  .object({
    /** Keep the newest N available images of each source (tag `retain` overrides per instance). */
    count: z
      .number({ message: 'must be a whole number of images (0 or more)' })
      .int('must be a whole number of images (0 or more)')
      .min(0, 'must not be negative')
      .max(1000)
      .optional(),
    /** Keep images younger than this, e.g. `14d` (tag `retain-days` overrides per instance). */
    age: durationSchema.optional(),
  })
  .strict()
  .refine((r) => r.count !== undefined || r.age !== undefined, {
    message: 'set count, age or both (an image is kept when either rule keeps it)',
  });

export const bakeSchema = z
  .object({
    retention: bakeRetentionSchema.default({ count: 7 }),
    /** Tag every image `approved=true` once it becomes available, so `/ec2 launch` may use it. */
    autoApprove: z.boolean().default(false),
    /** Reboot the instance for a consistent file system (tag `bake-reboot=true|false` overrides). */
    reboot: z.boolean().default(false),
    /** Instance tag keys copied onto each image and its snapshots (Name also names the image). */
    copyTags: z.array(z.string().min(1).max(128)).max(40).default([]),
    /** Price of snapshot storage per GB-month, for the "up to … reclaimed" estimate. */
    pricePerGbMonth: z.number().min(0, 'must not be negative').max(100).default(0.05),
    /** At most this many sources are baked or cleaned at once, across all regions. */
    concurrency: z.number().int().min(1, 'must be at least 1').max(64).default(4),
    /** Subset of the stage's regions to bake in; all of the stage's regions when omitted. */
    regions: z.array(z.string()).min(1).optional(),
  })
  .strict();

export type BakeConfig = z.infer<typeof bakeSchema>;
export type BakeConfigInput = z.input<typeof bakeSchema>;

export const BAKE_DEFAULTS: BakeConfig = bakeSchema.parse({});

/**
 * Stage-level checks the section cannot make alone: bake regions must be stage regions.
 * Called from the stage schema's refinement, so `parseStageConfig` refuses a bad region.
 */
export function checkBakeRegions(
  stage: { regions: string[]; bake?: { regions?: string[] | undefined } | undefined },
  report: (path: (string | number)[], message: string) => void,
): void {
  const wanted = stage.bake?.regions;
  if (!wanted) return;
  wanted.forEach((region, index) => {
    if (!stage.regions.includes(region)) {
      report(
        ['bake', 'regions', index],
        `unknown region '${region}': bake regions must be among the stage's regions (${stage.regions.join(', ')})`,
      );
    }
  });
}

/** The regions the bake runs in. */
export function bakeRegions(stage: { regions: string[]; bake: BakeConfig }): string[] {
  return stage.bake.regions ?? stage.regions;
}
