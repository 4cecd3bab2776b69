import { atInstant } from '@ec2ops/core/ops';

/** An error as Scheduler's rest-json protocol names it (x-amzn-errortype) with its HTTP status. */
export class SchedulerApiError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'ConflictException' | 'ResourceNotFoundException',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
}

export interface StoredSchedule {
  name: string;
  group: string;
  arn: string;
  expression: string;
  /** The instant of its `at(...)`, epoch ms. */
  at: number;
  target: ScheduleTarget;
  actionAfterCompletion: 'NONE' | 'DELETE';
  state: 'ENABLED' | 'DISABLED';
  createdAt: number;
  lastModifiedAt: number;
}

/** One firing, kept for the console and for tests to read. */
export interface FiredSchedule {
  name: string;
  group: string;
  at: number;
  firedAt: number;
  result?: unknown;
  error?: string;
}

export interface SchedulerServiceOptions {
  accountId?: string;
  region?: string;
  /** Sandbox time, epoch ms. */
  now: () => number;
  /** Schedule groups besides `default`, as infra creates one per stage. */
  groups?: string[];
  /** Runs a schedule's target (the sandbox maps the ARN to a handler); its result is recorded. */
  invoke?: (target: ScheduleTarget) => Promise<unknown>;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/**
 * The subset of EventBridge Scheduler that ec2ops uses: one-time `at(...)` schedules in named
 * groups, created, moved, read, deleted, and fired on the sandbox clock. Recurring expressions are
 * refused (the runner's LocalScheduler plays the job schedules); ActionAfterCompletion DELETE
 * removes a schedule once it has fired, as AWS does.
 */
export class SchedulerService {
  readonly fired: FiredSchedule[] = [];
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly groups: Set<string>;
  private firing: Promise<FiredSchedule[]> = Promise.resolve([]);

  constructor(private readonly options: SchedulerServiceOptions) {
    this.groups = new Set(['default', ...(options.groups ?? [])]);
  }

  create(name: string, body: Record<string, unknown>): StoredSchedule {
    const group = this.group(body['GroupName']);
    if (this.schedules.has(key(group, name))) {
      throw new SchedulerApiError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    const schedule = this.parse(name, group, body, undefined);
    this.schedules.set(key(group, name), schedule);
    return schedule;
  }

  update(name: string, body: Record<string, unknown>): StoredSchedule {
    const group = this.group(body['GroupName']);
    const existing = this.get(name, group);
    const schedule = this.parse(name, group, body, existing);
    this.schedules.set(key(group, name), schedule);
    return schedule;
  }

  get(name: string, groupName: unknown): StoredSchedule {
    const group = this.group(groupName);
    const schedule = this.schedules.get(key(group, name));
    if (!schedule)
      throw new SchedulerApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return schedule;
  }

  delete(name: string, groupName: unknown): void {
    const schedule = this.get(name, groupName);
    this.schedules.delete(key(schedule.group, name));
  }

  list(group?: string): StoredSchedule[] {
    return [...this.schedules.values()].filter((s) => group === undefined || s.group === group);
  }

  /**
   * Fires every enabled schedule whose time has come, earliest first, each once; resolves when
   * their targets have answered. Calls run one after another, so a schedule never fires twice.
   */
  fireDue(): Promise<FiredSchedule[]> {
    this.firing = this.firing.then(() => this.fireNow());
    return this.firing;
  }

  /** Waits for firings in flight (shutdown). */
  async idle(): Promise<void> {
    await this.firing;
  }

  private async fireNow(): Promise<FiredSchedule[]> {
    const now = this.options.now();
    const due = this.list()
      .filter((s) => s.state === 'ENABLED' && s.at <= now)
      .sort((a, b) => a.at - b.at);
    const done: FiredSchedule[] = [];
    for (const schedule of due) {
      // A one-time schedule fires once whatever its target answers; the retry policy is AWS's business.
      if (schedule.actionAfterCompletion === 'DELETE')
        this.schedules.delete(key(schedule.group, schedule.name));
      else this.schedules.set(key(schedule.group, schedule.name), { ...schedule, state: 'DISABLED' });
      const record: FiredSchedule = {
        name: schedule.name,
        group: schedule.group,
        at: schedule.at,
        firedAt: now,
      };
      try {
        record.result = await this.options.invoke?.(schedule.target);
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      this.fired.push(record);
      done.push(record);
    }
    return done;
  }

  private group(value: unknown): string {
    const group = typeof value === 'string' && value ? value : 'default';
    if (!this.groups.has(group)) {
      throw new SchedulerApiError(
        'ResourceNotFoundException',
        404,
        `Schedule group ${group} does not exist.`,
      );
    }
    return group;
  }

  private parse(
    name: string,
    group: string,
    body: Record<string, unknown>,
    existing: StoredSchedule | undefined,
  ): StoredSchedule {
    if (!NAME.test(name))
      throw new SchedulerApiError('ValidationException', 400, `Invalid schedule name ${name}.`);
    const expression = body['ScheduleExpression'];
    if (typeof expression !== 'string') {
      throw new SchedulerApiError('ValidationException', 400, 'ScheduleExpression is required.');
    }
    const at = atInstant(expression);
    if (at === undefined) {
      throw new SchedulerApiError(
        'ValidationException',
        400,
        `Invalid Schedule Expression ${expression}: the sandbox implements one-time at(yyyy-mm-ddThh:mm:ss) schedules.`,
      );
    }
    const zone = body['ScheduleExpressionTimezone'];
    if (zone !== undefined && zone !== 'UTC') {
      throw new SchedulerApiError('ValidationException', 400, 'The sandbox evaluates at() in UTC only.');
    }
    const window = body['FlexibleTimeWindow'] as { Mode?: unknown } | undefined;
    if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
      throw new SchedulerApiError('ValidationException', 400, 'FlexibleTimeWindow.Mode is required.');
    }
    const target = body['Target'] as Partial<ScheduleTarget> | undefined;
    if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') {
      throw new SchedulerApiError('ValidationException', 400, 'Target.Arn and Target.RoleArn are required.');
    }
    const now = this.options.now();
    return {
      name,
      group,
      arn: `arn:aws:scheduler:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '123456789012'}:schedule/${group}/${name}`,
      expression,
      at,
      target: {
        Arn: target.Arn,
        RoleArn: target.RoleArn,
        ...(typeof target.Input === 'string' ? { Input: target.Input } : {}),
      },
      actionAfterCompletion: body['ActionAfterCompletion'] === 'DELETE' ? 'DELETE' : 'NONE',
      state: body['State'] === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      createdAt: existing?.createdAt ?? now,
      lastModifiedAt: now,
    };
  }
}

function key(group: string, name: string): string {
  return `${group}/${name}`;
}
