import * as z from 'zod';
import { durationSchema } from '../time/durations';

/** `reaper`: what the instance-reaper does with managed instances past their `expires-at`. */
export const reaperSchema = z
  .object({
    /** `stop` keeps the volumes (start and extend it again); `terminate` deletes the instance. */
    action: z.enum(['stop', 'terminate']).default('stop'),
    /** The owner gets one DM (with an Extend button) this long before the expiry. */
    warnBefore: durationSchema.default('1h'),
  })
  .strict();

export type ReaperConfig = z.infer<typeof reaperSchema>;
