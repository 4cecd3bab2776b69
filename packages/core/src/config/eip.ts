import * as z from 'zod';
import { durationSchema, parseDuration } from '../time/durations';

export const eipSchema = z
  .object({
    /** `managed`: only addresses tagged `<prefix>managed=true`; `all`: every address in the region. */
    scope: z.enum(['managed', 'all']).default('managed'),
    /** How long an address stays idle (unassociated) before it is released. */
    grace: durationSchema.default('7d'),
    /** The owner (tag `<prefix>owner`) gets a Slack DM this long before release. */
    warnBefore: durationSchema.default('1d'),
    /** US dollars per public IPv4 address-hour (AWS: $0.005 since February 2024). */
    pricePerHour: z.number().min(0).max(10).default(0.005),
  })
  .strict()
  .refine((eip) => (parseDuration(eip.warnBefore) ?? 0) < (parseDuration(eip.grace) ?? 0), {
    message: 'warnBefore must be shorter than grace',
    path: ['warnBefore'],
  });

export type EipConfig = z.infer<typeof eipSchema>;
