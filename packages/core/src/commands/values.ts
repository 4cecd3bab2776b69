import { SLACK_USER_ID } from '../slack/ids';
import { formatDuration, parseDuration } from '../time/durations';
import type { ArgValue, ValueType } from './types';

/** Why a word is not a valid value, phrased to follow "name must be …" / "name: …". */
export type Conversion = { ok: true; value: ArgValue } | { ok: false; problem: string };

const CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const TRUE = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE = new Set(['no', 'false', 'off', '0', 'n']);

/** Converts one word to the declared type, or says what was expected. */
export function convertValue(spec: ValueType, raw: string): Conversion {
  switch (spec.type) {
    case 'string': {
      if (raw.length === 0) return { ok: false, problem: 'must not be empty' };
      if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
        return { ok: false, problem: `must be at most ${spec.maxLength} characters (got ${raw.length})` };
      }
      if (spec.pattern && !spec.pattern.test(raw)) {
        return {
          ok: false,
          problem: `must be ${spec.patternHelp ?? `like ${spec.pattern.source}`} (got "${raw}")`,
        };
      }
      return { ok: true, value: raw };
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return { ok: false, problem: `must be a whole number (got "${raw}")` };
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min)
        return { ok: false, problem: `must be at least ${spec.min} (got ${n})` };
      if (spec.max !== undefined && n > spec.max)
        return { ok: false, problem: `must be at most ${spec.max} (got ${n})` };
      return { ok: true, value: n };
    }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) {
        return { ok: false, problem: `must be a duration such as 30m, 8h, 2d or 1w (got "${raw}")` };
      }
      const min = spec.min === undefined ? undefined : parseDuration(spec.min);
      const max = spec.max === undefined ? undefined : parseDuration(spec.max);
      if (min !== undefined && ms < min)
        return { ok: false, problem: `must be at least ${formatDuration(min)} (got ${raw})` };
      if (max !== undefined && ms > max)
        return { ok: false, problem: `must be at most ${formatDuration(max)} (got ${raw})` };
      return { ok: true, value: ms };
    }
    case 'enum': {
      const lower = raw.toLowerCase();
      if (spec.values.includes(lower)) return { ok: true, value: lower };
      return { ok: false, problem: `must be one of ${spec.values.join(', ')} (got "${raw}")` };
    }
    case 'user': {
      const id = raw.startsWith('@') ? raw.slice(1) : raw;
      if (SLACK_USER_ID.test(id)) return { ok: true, value: id };
      return { ok: false, problem: `must be a Slack user, e.g. @someone (got "${raw}")` };
    }
    case 'channel': {
      const id = raw.startsWith('#') ? raw.slice(1) : raw;
      if (CHANNEL.test(id)) return { ok: true, value: id };
      return { ok: false, problem: `must be a Slack channel, e.g. #ops (got "${raw}")` };
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, problem: `must be yes or no (got "${raw}")` };
    }
  }
}

/** The placeholder a usage line shows for a value of this type. */
export function typeHint(spec: ValueType): string {
  switch (spec.type) {
    case 'int':
      return 'number';
    case 'enum':
      return spec.values.join('|');
    default:
      return spec.type;
  }
}
