import * as z from 'zod';
import { durationSchema, parseDuration } from '../time/durations';
import { SHARE_TARGET, SHARE_TARGET_HELP } from './share-target';

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

/** One DR region for `bake.copyTo`; a KMS key id, alias or ARN encrypts the copy there. */
export const copyTargetSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region name such as eu-west-1'),
    kmsKeyId: z
      .string()
      .regex(
        /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[0-9a-f-]{36})$/,
        'must be a KMS key id, alias/<name> or key ARN',
      )
      .optional(),
  })
  .strict();

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
    /** DR regions each new image is copied to (CopyImage), encrypted with the region's key if given. */
    copyTo: z.array(copyTargetSchema).max(10).default([]),
    /** Every baked image is deprecated this long after it was baked; the retention age when omitted. */
    deprecateAfter: durationSchema.optional(),
    /**
     * Every available image the bake made is shared with these (launch permission; for an account
     * also its snapshots' create-volume permission), once per image and list of targets.
     */
    shareWith: z
      .array(z.string().regex(SHARE_TARGET, `must be ${SHARE_TARGET_HELP}`))
      .max(20)
      .default([]),
    /** `/ec2 ami share` waits for a second admin's approval (in the approvals channel). */
    shareApproval: z.boolean().default(false),
    /**
     * Retention keeps a shared image that was launched (by any account) this recently: other
     * accounts may depend on it. An admin confirms its removal by unsharing it.
     */
    sharedLaunchedWithin: durationSchema.default('30d'),
  })
  .strict()
  .refine((b) => new Set(b.copyTo.map((t) => t.region)).size === b.copyTo.length, {
    message: 'each copyTo region may appear once',
    path: ['copyTo'],
  });

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

/**
 * How long after baking an image is deprecated: `deprecateAfter`, else the retention age, else
 * undefined (a count-only retention gives no natural age; nothing is deprecated then).
 */
export function deprecateAfterMs(bake: BakeConfig): number | undefined {
  const text = bake.deprecateAfter ?? bake.retention.age;
  return text === undefined ? undefined : parseDuration(text);
}

/** The regions the bake runs in. */
export function bakeRegions(stage: { regions: string[]; bake: BakeConfig }): string[] {
  return stage.bake.regions ?? stage.regions;
}
