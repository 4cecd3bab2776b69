import { daysInMonth, weekday } from '../time/zoned';

/**
 * EventBridge's six-field cron: `minutes hours day-of-month month day-of-week year`.
 * Differences from Unix cron that matter: day-of-week counts 1 = SUN … 7 = SAT, there is a year
 * field, exactly one of day-of-month and day-of-week is `?`, and `L`, `W` and `#` are allowed.
 */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  months: ReadonlySet<number>;
  /** undefined = every year */
  years: ReadonlySet<number> | undefined;
  days: DayRule;
}

/** How a calendar day is chosen, from whichever of the two day fields is not `?`. */
export type DayRule =
  | {
      field: 'day-of-month';
      days: ReadonlySet<number>;
      last: boolean;
      nearestWeekday: number[];
      lastWeekday: boolean;
    }
  | {
      field: 'day-of-week';
      weekdays: ReadonlySet<number>;
      lastOf: number[];
      nth: { weekday: number; n: number }[];
    };

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const MINUTES: FieldDef = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldDef = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldDef = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldDef = { name: 'month', min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: FieldDef = { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS };
const YEAR: FieldDef = { name: 'year', min: 1970, max: 2199 };

function value(text: string, def: FieldDef): number {
  const named = def.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + def.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < def.min || n > def.max) {
    throw new CronSyntaxError(`${def.name}: "${text}" is not between ${def.min} and ${def.max}`);
  }
  return n;
}

/** One comma-separated item of `*`, `a`, `a-b`, `*​/n`, `a/n` or `a-b/n`. */
function addItem(item: string, def: FieldDef, into: Set<number>): void {
  const [range = '', stepText, extra] = item.split('/');
  if (extra !== undefined || range === '') throw new CronSyntaxError(`${def.name}: "${item}" is not valid`);
  const step = stepText === undefined ? 1 : value(stepText, { ...def, min: 1, max: def.max - def.min + 1 });
  let from: number;
  let to: number;
  if (range === '*') {
    from = def.min;
    to = def.max;
  } else if (range.includes('-')) {
    const [a = '', b = ''] = range.split('-');
    from = value(a, def);
    to = value(b, def);
    if (to < from) throw new CronSyntaxError(`${def.name}: range "${range}" runs backwards`);
  } else {
    from = value(range, def);
    // `a/n` means "from a, every n"; a lone number means just a.
    to = stepText === undefined ? from : def.max;
  }
  for (let n = from; n <= to; n += step) into.add(n);
}

function parseSet(field: string, def: FieldDef): Set<number> {
  const set = new Set<number>();
  for (const item of field.split(',')) addItem(item, def, set);
  return set;
}

function sorted(set: Set<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

function parseDayOfMonth(field: string): DayRule {
  const days = new Set<number>();
  const nearestWeekday: number[] = [];
  let last = false;
  let lastWeekday = false;
  for (const item of field.split(',')) {
    const upper = item.toUpperCase();
    if (upper === 'L') last = true;
    else if (upper === 'LW') lastWeekday = true;
    else if (/^\d+W$/.test(upper)) nearestWeekday.push(value(upper.slice(0, -1), DAY_OF_MONTH));
    else addItem(item, DAY_OF_MONTH, days);
  }
  return { field: 'day-of-month', days, last, nearestWeekday, lastWeekday };
}

function parseDayOfWeek(field: string): DayRule {
  const weekdays = new Set<number>();
  const lastOf: number[] = [];
  const nth: { weekday: number; n: number }[] = [];
  for (const item of field.split(',')) {
    const upper = item.toUpperCase();
    const hash = /^(\w+)#(\d)$/.exec(upper);
    if (upper === 'L') lastOf.push(7);
    else if (/^\w+L$/.test(upper) && upper !== 'L') lastOf.push(value(upper.slice(0, -1), DAY_OF_WEEK));
    else if (hash) {
      const n = Number(hash[2]);
      if (n < 1 || n > 5) throw new CronSyntaxError(`day-of-week: "${item}" must use #1 to #5`);
      nth.push({ weekday: value(hash[1]!, DAY_OF_WEEK), n });
    } else addItem(item, DAY_OF_WEEK, weekdays);
  }
  return { field: 'day-of-week', weekdays, lastOf, nth };
}

/** Parses the inside of `cron(…)`; throws CronSyntaxError naming the field that is wrong. */
export function parseCron(body: string): CronSpec {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new CronSyntaxError(
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new CronSyntaxError('exactly one of day-of-month and day-of-week must be "?"');
  }
  return {
    minutes: sorted(parseSet(minutes, MINUTES)),
    hours: sorted(parseSet(hours, HOURS)),
    months: parseSet(month, MONTH),
    years: year === '*' ? undefined : parseSet(year, YEAR),
    days: dom === '?' ? parseDayOfWeek(dow) : parseDayOfMonth(dom),
  };
}

/** The weekday closest to `day` within the same month (Saturday → Friday, Sunday → Monday). */
function nearestWeekdayOf(year: number, month: number, day: number): number {
  const length = daysInMonth(year, month);
  const target = Math.min(day, length);
  const dow = weekday(year, month, target);
  if (dow === 6) return target === 1 ? 3 : target - 1;
  if (dow === 0) return target === length ? target - 2 : target + 1;
  return target;
}

/** Whether the calendar day year-month-day is one the spec's day rule picks. */
export function matchesDay(rule: DayRule, year: number, month: number, day: number): boolean {
  const length = daysInMonth(year, month);
  if (rule.field === 'day-of-month') {
    if (rule.days.has(day) || (rule.last && day === length)) return true;
    if (rule.nearestWeekday.some((d) => nearestWeekdayOf(year, month, d) === day)) return true;
    if (rule.lastWeekday && nearestWeekdayOf(year, month, length) === day) return true;
    return false;
  }
  const dow = weekday(year, month, day) + 1;
  if (rule.weekdays.has(dow)) return true;
  if (rule.lastOf.includes(dow) && day + 7 > length) return true;
  const week = Math.ceil(day / 7);
  return rule.nth.some((n) => n.weekday === dow && n.n === week);
}
