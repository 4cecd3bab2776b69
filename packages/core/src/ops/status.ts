import { resolveJobSettings } from '../config/jobs';
import type { StageConfig } from '../config/schema';
import { JOB_CATALOG, type JobName } from '../job-catalog';
import { nextRun, parseSchedule } from '../schedule';
import { type Block, context, divider, header, type Message, section } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { formatDuration } from '../time/durations';

/**
 * `/ec2 status`: what an on-call engineer reads first. Each job's last run and result and its
 * next run, the request queue's depth and the age of its oldest message, and the stage's open
 * alarms. Core only shapes and words it; the worker gathers the facts (functions/ops/status.ts).
 * A source that could not be read says so in its own section instead of failing the command.
 */

/** One job run as the job function records it after the run (coordination table, `run#`). */
export interface JobRunRecord {
  job: string;
  /** ISO-8601, when the run ended. */
  at: string;
  ok: boolean;
  dryRun: boolean;
  /** The report's summary line (counts). */
  summary: string;
}

export interface QueueStatus {
  /** The queue as people know it: `requests`, `dead letters`. */
  label: string;
  visible: number;
  inFlight: number;
  /** Age of the oldest visible message, when known. */
  oldestAgeSeconds?: number | undefined;
}

export interface OpenAlarm {
  name: string;
  /** ISO-8601, when it went into ALARM. */
  since: string;
  reason: string;
}

/** A source that answered, or why it did not. */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

export interface JobStatus {
  name: JobName;
  enabled: boolean;
  schedule: string;
  timeZone: string;
  lastRun: JobRunRecord | undefined;
  /** Epoch ms of the next scheduled run; undefined when disabled or the expression has none. */
  nextRunMs: number | undefined;
}

export interface StatusView {
  nowMs: number;
  jobs: JobStatus[];
  /** When the last runs could not be read (no coordination table, or it failed). */
  runsError?: string | undefined;
  queues: Read<QueueStatus[]>;
  alarms: Read<OpenAlarm[]>;
}

/** Every job of the catalog with its stage settings, its last run and its next run after now. */
export function jobStatuses(
  config: Pick<StageConfig, 'production' | 'jobs'>,
  lastRuns: ReadonlyMap<string, JobRunRecord>,
  nowMs: number,
): JobStatus[] {
  return (Object.keys(JOB_CATALOG) as JobName[]).map((name) => {
    const settings = resolveJobSettings(config, name);
    // Config validation refuses a bad expression at deploy; one that slipped by shows no next run.
    const parsed = settings.enabled ? parseSchedule(settings.schedule, settings.timeZone) : undefined;
    const next = parsed?.ok ? nextRun(parsed.schedule, nowMs) : undefined;
    return {
      name,
      enabled: settings.enabled,
      schedule: settings.schedule,
      timeZone: settings.timeZone,
      lastRun: lastRuns.get(name),
      nextRunMs: next,
    };
  });
}

const ago = (nowMs: number, iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escapeMrkdwn(iso) : `${formatDuration(Math.max(0, nowMs - ms))} ago`;
};

function jobLine(job: JobStatus, nowMs: number): string {
  const last = job.lastRun
    ? `${job.lastRun.ok ? ':white_check_mark:' : ':x:'} ${ago(nowMs, job.lastRun.at)}${job.lastRun.dryRun ? ' (dry run)' : ''}: ${escapeMrkdwn(job.lastRun.summary)}`
    : 'no run recorded';
  const next = !job.enabled
    ? 'disabled'
    : job.nextRunMs === undefined
      ? 'no next run'
      : `next in ${formatDuration(Math.max(0, job.nextRunMs - nowMs))}`;
  return `*${job.name}* · last: ${last} · ${next}`;
}

function queueLine(q: QueueStatus): string {
  // Seconds matter here: Slack gives the worker 3 s, and a healthy queue drains in a few.
  const seconds = q.oldestAgeSeconds;
  const age =
    seconds === undefined ? '' : `, oldest ${seconds < 120 ? `${seconds}s` : formatDuration(seconds * 1000)}`;
  return `*${escapeMrkdwn(q.label)}*: ${q.visible} waiting, ${q.inFlight} in flight${age}`;
}

export function statusMessage(view: StatusView): Message {
  const blocks: Block[] = [header('ec2ops status')];
  blocks.push(...section(`*Jobs*\n${view.jobs.map((j) => jobLine(j, view.nowMs)).join('\n')}`));
  if (view.runsError) blocks.push(...context(`Last runs unknown: ${escapeMrkdwn(view.runsError)}`));
  blocks.push(divider());
  blocks.push(
    ...section(
      view.queues.ok
        ? `*Queue*\n${view.queues.value.map(queueLine).join('\n')}`
        : `*Queue*\ncould not be read: ${escapeMrkdwn(view.queues.error)}`,
    ),
  );
  blocks.push(divider());
  const alarms = view.alarms;
  blocks.push(
    ...section(
      !alarms.ok
        ? `*Alarms*\ncould not be read: ${escapeMrkdwn(alarms.error)}`
        : alarms.value.length === 0
          ? '*Alarms*\n:large_green_circle: none open'
          : `*Alarms* (${alarms.value.length} open)\n${alarms.value
              .map(
                (a) =>
                  `:rotating_light: *${escapeMrkdwn(a.name)}* since ${ago(view.nowMs, a.since)}: ${escapeMrkdwn(a.reason)}`,
              )
              .join('\n')}`,
    ),
  );
  const failing = view.jobs.filter((j) => j.lastRun && !j.lastRun.ok).length;
  const open = alarms.ok ? alarms.value.length : undefined;
  const text = `ec2ops status: ${failing} job${failing === 1 ? '' : 's'} failing last run, ${open === undefined ? 'alarms unknown' : `${open} alarm${open === 1 ? '' : 's'} open`}`;
  return { text, blocks };
}
