import type { ErrorCode } from '../error-codes';
import { InputError } from '../errors';
import { closest } from '../text/suggest';
import type { CommandRegistry } from './registry';
import { SLASH_COMMAND } from './registry';
import { type Token, tokenize } from './tokenize';
import type { ArgSpec, ArgValue, CommandSpec, OptionSpec, ParsedCommand } from './types';
import { convertValue } from './values';

/**
 * A command that could not be understood. The message says what was wrong; `usage` (also in
 * the hint) shows how it is written, so the person can fix it without opening the docs.
 */
export class CommandParseError extends InputError {
  readonly usage: string | undefined;
  constructor(code: ErrorCode, message: string, usage?: string, extraHint?: string) {
    const hint = [extraHint, usage ? `Usage: ${usage}` : undefined].filter(Boolean).join('\n');
    super(code, message, hint ? { hint } : {});
    this.name = 'CommandParseError';
    this.usage = usage;
  }
}

/**
 * Parses the text after `/ec2` into a command and typed values. Empty text is `help`.
 * Throws CommandParseError (codes `command.*`) for anything it cannot accept.
 */
export function parseCommand(text: string, registry: CommandRegistry): ParsedCommand {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof InputError)
      throw new CommandParseError(error.code, error.message, undefined, error.hint);
    throw error;
  }
  if (tokens.length === 0) return { command: 'help', args: {} };
  const { spec, used } = findSpec(tokens, registry);
  return bindArguments(spec, tokens.slice(used), registry.usage(spec));
}

function findSpec(tokens: Token[], registry: CommandRegistry): { spec: CommandSpec; used: number } {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.quoted || token.key !== undefined) break;
    words.push(token.text.toLowerCase());
  }
  // Longest match first: `ami list` before a hypothetical `ami`.
  for (let n = words.length; n > 0; n--) {
    const spec = registry.get(words.slice(0, n).join(' '));
    if (spec) return { spec, used: n };
  }
  const typed = words[0] ?? tokens[0]!.text;
  const names = registry.names();
  const group = names.filter((name) => name.startsWith(`${typed.toLowerCase()} `));
  if (group.length > 0) {
    const sub = words[1];
    const guess = sub === undefined ? undefined : closest(`${typed} ${sub}`, group);
    const choices = group.map((g) => `\`${g}\``).join(', ');
    throw new CommandParseError(
      'command.unknown',
      sub === undefined
        ? `\`${typed}\` needs a subcommand: ${choices}.`
        : `Unknown subcommand \`${typed} ${sub}\`.`,
      undefined,
      guess
        ? `Did you mean \`${SLASH_COMMAND} ${guess}\`? Subcommands: ${choices}.`
        : `Subcommands: ${choices}.`,
    );
  }
  const twoWords =
    words.length > 1
      ? closest(
          words.slice(0, 2).join(' '),
          names.filter((n) => n.includes(' ')),
        )
      : undefined;
  const guess =
    twoWords ??
    closest(
      typed,
      names.map((n) => n.split(' ')[0]!),
    );
  throw new CommandParseError(
    'command.unknown',
    `Unknown command \`${typed}\`.`,
    undefined,
    guess
      ? `Did you mean \`${SLASH_COMMAND} ${guess}\`? \`${SLASH_COMMAND} help\` lists every command.`
      : `\`${SLASH_COMMAND} help\` lists every command.`,
  );
}

function bindArguments(spec: CommandSpec, tokens: Token[], usage: string): ParsedCommand {
  const args: Record<string, ArgValue> = {};
  const parsed: ParsedCommand = { command: spec.name, args };
  const declared = spec.args ?? [];
  const keywords = new Map(declared.filter((a) => a.keyword).map((a) => [a.keyword!.toLowerCase(), a]));
  const positionals = declared.filter((a) => !a.keyword);
  const options = new Map((spec.options ?? []).map((o) => [o.name, o]));
  const restWords: string[] = [];
  let position = 0;
  const fail = (code: ErrorCode, message: string): never => {
    throw new CommandParseError(code, message, usage);
  };
  const set = (declaration: ArgSpec | OptionSpec, raw: string, label: string) => {
    if (declaration.name in args) fail('command.duplicate', `${label} is given twice.`);
    const converted = convertValue(declaration, raw);
    if (!converted.ok) fail('command.invalid-value', `${label} ${converted.problem}.`);
    else args[declaration.name] = converted.value;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.key !== undefined) {
      if (token.key === 'page') {
        const page = convertValue({ type: 'int', min: 1, max: 1000 }, token.value!);
        if (!page.ok) fail('command.invalid-value', `page ${page.problem}.`);
        else parsed.page = page.value as number;
        continue;
      }
      const option = options.get(token.key);
      if (!option) {
        const guess = closest(token.key, [...options.keys()]);
        const known = [...options.keys()].map((k) => `${k}=`).join(', ');
        fail(
          'command.unknown-option',
          `\`${spec.name}\` has no option \`${token.key}\`.` +
            (guess
              ? ` Did you mean \`${guess}=\`?`
              : known
                ? ` Options: ${known}.`
                : ' It takes no options.'),
        );
      } else {
        set(option, token.value!, `${option.name}=`);
      }
      continue;
    }
    const keyword = token.quoted ? undefined : keywords.get(token.text.toLowerCase());
    if (keyword) {
      const next = tokens[i + 1];
      if (!next || next.key !== undefined)
        fail('command.missing-value', `\`${keyword.keyword}\` needs a value.`);
      set(keyword, next!.text, `\`${keyword.keyword}\``);
      i++;
      continue;
    }
    const arg = positionals[position];
    if (!arg) {
      fail(
        'command.extra-argument',
        `Unexpected \`${token.text}\`: \`${spec.name}\` takes no more arguments.`,
      );
    } else if (arg.rest) {
      restWords.push(token.text);
    } else {
      set(arg, token.text, `<${arg.placeholder ?? arg.name}>`);
      position++;
    }
  }
  const rest = positionals.find((a) => a.rest);
  if (rest && restWords.length > 0) set(rest, restWords.join(' '), `<${rest.placeholder ?? rest.name}>`);
  return completeArguments(spec, parsed, fail);
}

/**
 * A submitted form's values, by argument or option name, as a parsed command. Each value is
 * converted and checked exactly as a typed one, but is never tokenized: quotes, `key=` or
 * keywords inside a value stay part of that value (a Name ending in ” cannot add `count=3`).
 */
export function parseFormValues(
  spec: CommandSpec,
  values: Readonly<Record<string, string | undefined>>,
  registry: CommandRegistry,
): ParsedCommand {
  const usage = registry.usage(spec);
  const fail = (code: ErrorCode, message: string): never => {
    throw new CommandParseError(code, message, usage);
  };
  const args: Record<string, ArgValue> = {};
  const declared = new Map<string, ArgSpec | OptionSpec>(
    [...(spec.args ?? []), ...(spec.options ?? [])].map((d) => [d.name, d]),
  );
  for (const [name, raw] of Object.entries(values)) {
    const value = raw?.trim();
    if (!value) continue;
    const declaration = declared.get(name);
    if (!declaration) fail('command.unknown-option', `\`${spec.name}\` has no field \`${name}\`.`);
    const converted = convertValue(declaration!, value);
    if (!converted.ok) fail('command.invalid-value', `${name} ${converted.problem}.`);
    else args[name] = converted.value;
  }
  return completeArguments(spec, { command: spec.name, args }, fail);
}

/** Required arguments present, defaults filled in: the last step for typed and submitted commands. */
function completeArguments(
  spec: CommandSpec,
  parsed: ParsedCommand,
  fail: (code: ErrorCode, message: string) => never,
): ParsedCommand {
  const { args } = parsed;
  for (const declaration of spec.args ?? []) {
    if (declaration.required && !(declaration.name in args)) {
      const what = declaration.keyword
        ? `\`${declaration.keyword} <${declaration.placeholder ?? declaration.name}>\``
        : `<${declaration.placeholder ?? declaration.name}>`;
      fail('command.missing-argument', `Missing ${what}: ${declaration.description}.`);
    }
  }
  for (const option of spec.options ?? []) {
    if (option.name in args) continue;
    if (option.required)
      fail('command.missing-argument', `Missing \`${option.name}=\`: ${option.description}.`);
    if (option.default !== undefined) args[option.name] = option.default;
  }
  return parsed;
}

/** The command text that reproduces a parsed command (used by buttons that re-run it). */
export function formatCommand(parsed: ParsedCommand, spec: CommandSpec): string {
  const words = [spec.name];
  const quote = (v: ArgValue) => {
    const s = String(v);
    return /[\s"'=]/.test(s) || s === '' ? `"${s.replace(/["\\]/g, '\\$&')}"` : s;
  };
  for (const arg of spec.args ?? []) {
    const value = parsed.args[arg.name];
    if (value === undefined) continue;
    const shown = arg.type === 'duration' ? durationText(value as number) : quote(value);
    words.push(arg.keyword ? `${arg.keyword} ${shown}` : arg.rest ? String(value) : shown);
  }
  for (const option of spec.options ?? []) {
    const value = parsed.args[option.name];
    if (value === undefined || value === option.default) continue;
    words.push(`${option.name}=${option.type === 'duration' ? durationText(value as number) : quote(value)}`);
  }
  if (parsed.page !== undefined && parsed.page > 1) words.push(`page=${parsed.page}`);
  return words.join(' ');
}

function durationText(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}
