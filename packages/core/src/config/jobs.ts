import * as z from 'zod';
import type { JobName } from '../job-catalog';
import { JOB_CATALOG } from '../job-catalog';
import { isTimeZone, parseSchedule } from '../schedule/recurring';

const RATE = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/i;

/**
 * EventBridge Scheduler takes `rate(1 minute)` and `rate(5 minutes)` and rejects the other
 * number of the unit at deploy time; people write either. The unit is made to agree with the
 * value here, so what is validated is what is deployed.
 */
export function normalizeRate(expression: string): string {
  const match = RATE.exec(expression.trim());
  if (!match) return expression;
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  return `rate(${value} ${value === 1 ? unit : `${unit}s`})`;
}

const scheduleExpression = z
  .string()
  .transform(normalizeRate)
  .superRefine((text, ctx) => {
    if (/^rate\(\s*0+\s/.test(text)) {
      ctx.addIssue({ code: 'custom', message: `"${text}": a rate must be at least 1` });
      return;
    }
    const parsed = parseSchedule(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

const timeZone = z.string().refine(isTimeZone, {
  message: 'must be an IANA time zone such as UTC, Europe/Paris or America/New_York',
});

const jobSettingsSchema = z
  .object({
    /** A disabled job gets no schedule in this stage (it can still be run by hand). */
    enabled: z.boolean().default(true),
    /** Overrides the catalog's schedule: `rate(…)` or `cron(…)` (EventBridge Scheduler syntax). */
    schedule: scheduleExpression.optional(),
    /** IANA time zone the cron expression is read in. */
    timeZone: timeZone.optional(),
    /** Plan only. Default: dry-run unless the stage is production. `--apply` overrides. */
    dryRun: z.boolean().optional(),
  })
  .strict();

export const jobsSchema = z
  .object({
    'ami-bake': jobSettingsSchema.prefault({}),
    'eip-cleanup': jobSettingsSchema.prefault({}),
    'port-sweep': jobSettingsSchema.prefault({}),
    'instance-reaper': jobSettingsSchema.prefault({}),
  })
  .strict();

export type JobsConfig = z.infer<typeof jobsSchema>;

export interface ResolvedJobSettings {
  enabled: boolean;
  schedule: string;
  timeZone: string;
  dryRun: boolean;
}

/** A job's effective settings in a stage: config overrides, then the catalog's defaults. */
export function resolveJobSettings(
  config: { production: boolean; jobs: JobsConfig },
  name: JobName,
): ResolvedJobSettings {
  const own = config.jobs[name];
  const defaults = JOB_CATALOG[name].schedule;
  return {
    enabled: own.enabled,
    schedule: own.schedule ?? defaults.expression,
    timeZone: own.timeZone ?? defaults.timeZone,
    dryRun: own.dryRun ?? !config.production,
  };
}

/** `--apply` / `--dry-run` (or an event's `dryRun`) beat the stage's setting. */
export function effectiveDryRun(
  settings: ResolvedJobSettings,
  override: 'apply' | 'dry-run' | undefined,
): boolean {
  if (override === 'apply') return false;
  if (override === 'dry-run') return true;
  return settings.dryRun;
}
