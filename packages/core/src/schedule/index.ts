/**
 * When scheduled jobs run: compiles EventBridge Scheduler expressions and computes their next
 * runs in a time zone. (Validation for config lives in ../jobs/schedule; this adds the calendar.)
 */

export { instantsOf, type WallTime, wallTimeAt } from '../time/zoned';
export { type CronSpec, CronSyntaxError, type DayRule, matchesDay, parseCron } from './cron';
export { type CompiledSchedule, compileSchedule } from './expression';
export { nextRun, runsBetween } from './next';
export * from './recurring';
