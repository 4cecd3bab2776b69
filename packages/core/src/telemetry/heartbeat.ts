import { compileSchedule, nextRun } from '../schedule/index';

/** How a heartbeat alarm looks at a job: `evaluationPeriods` periods of `periodSeconds`, none may be empty. */
export interface HeartbeatWindow {
  periodSeconds: number;
  evaluationPeriods: number;
}

const MINUTE = 60;
/** EMF metrics reach CloudWatch with some delay: a shorter period would alarm between two runs. */
const SHORTEST_PERIOD = 5 * MINUTE;
/** CloudWatch's limit on period × evaluation periods (7 days; 1 day for periods under an hour). */
const LONGEST_WINDOW = 7 * 86_400;
const WEEK_MS = 7 * 86_400_000;

/**
 * "No successful run in two schedule periods": the schedule's longest gap between two runs (a
 * cron that skips weekends has a long one), over a week from a fixed start, rounded up to whole
 * minutes, at least five; two such periods, trimmed to what CloudWatch allows.
 */
export function heartbeatWindow(expression: string, timeZone = 'UTC'): HeartbeatWindow {
  const schedule = compileSchedule(expression, timeZone);
  const start = Date.UTC(2026, 0, 5);
  let longest = 0;
  let previous = nextRun(schedule, start, start);
  while (previous !== undefined && previous < start + 2 * WEEK_MS) {
    const next = nextRun(schedule, previous, start);
    if (next === undefined) break;
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  const gap = Math.ceil(longest / 1000 / MINUTE) * MINUTE;
  const periodSeconds = Math.min(Math.max(SHORTEST_PERIOD, gap), LONGEST_WINDOW / 2);
  return { periodSeconds, evaluationPeriods: 2 };
}
