import type { IamNeed } from '../capability';
import type { Role } from '../config/roles';
import type { StageConfig } from '../config/schema';
import type { LifecycleStates } from '../instances/lifecycle';
import type { ModalView } from '../slack/blocks';

/**
 * The value types a command argument or option may declare. The parser converts and checks
 * them, so executors receive typed, validated values and never re-parse text.
 *
 * Every converted value is JSON-serialisable: it travels through SQS and inside signed
 * approval buttons.
 */
export type ValueType =
  | { type: 'string'; pattern?: RegExp; patternHelp?: string; maxLength?: number }
  /** Whole number; bounds are inclusive. */
  | { type: 'int'; min?: number; max?: number }
  /** `30m`, `8h`, `7d` → milliseconds. Bounds are durations too. */
  | { type: 'duration'; min?: string; max?: string }
  | { type: 'enum'; values: readonly string[] }
  /** `<@U123|name>` or `U123` → `U123`. */
  | { type: 'user' }
  /** `<#C123|name>` or `C123` → `C123`. */
  | { type: 'channel' }
  /** yes/no, true/false, on/off, 1/0. */
  | { type: 'boolean' };

export type ArgValue = string | number | boolean;

interface Declared {
  /** Key in `ParsedCommand.args`; also the `key` of `key=value` options. Lower-case, dashes allowed. */
  name: string;
  description: string;
  /** Placeholder shown in the usage, e.g. `instance-id|Name`; defaults to the name. */
  placeholder?: string;
}

/**
 * A positional argument, or a keyword argument when `keyword` is set: `open 22 on sg-1 for 2h`
 * declares `{ name: 'target', keyword: 'on' }` and `{ name: 'duration', keyword: 'for' }`.
 */
export type ArgSpec = Declared &
  ValueType & {
    required?: boolean;
    /** The word that introduces this argument (`on`, `from`, `for`). */
    keyword?: string;
    /** Last positional only: takes every remaining positional word, joined by one space. */
    rest?: boolean;
  };

/** A `key=value` option. */
export type OptionSpec = Declared &
  ValueType & {
    required?: boolean;
    /** Used when the option is absent (already converted: ms for durations). */
    default?: ArgValue;
  };

/** The value a declaration holds once parsed: durations are milliseconds, enums one of their values. */
export type ValueOf<D> = D extends { type: 'int' | 'duration' }
  ? number
  : D extends { type: 'boolean' }
    ? boolean
    : D extends { type: 'enum'; values: readonly (infer V extends string)[] }
      ? V
      : string;

type Declarations<S> =
  | (S extends { args: readonly (infer A)[] } ? A : never)
  | (S extends { options: readonly (infer O)[] } ? O : never);

/** Present after parsing: required, or filled in from its default. */
type Always<D> = D extends { required: true } ? D : D extends { default: ArgValue } ? D : never;

/**
 * The parsed arguments of a spec, by name: `eip release` gives `{ address: string; confirm?: boolean }`.
 * The parser (parse.ts) checks every request against its spec, so this is what it guarantees.
 */
export type ArgsOf<S> = {
  [D in Always<Declarations<S>> as D extends { name: infer K extends string } ? K : never]: ValueOf<D>;
} & {
  [D in Exclude<Declarations<S>, Always<Declarations<S>>> as D extends { name: infer K extends string }
    ? K
    : never]?: ValueOf<D>;
};

/** What the parser produces: the command and its typed values. JSON-serialisable. */
export interface ParsedCommand {
  /** The spec's name, e.g. `launch` or `ami list`. */
  command: string;
  args: Record<string, ArgValue>;
  /** `page=N`, accepted by every command: which page of a long answer to show (1-based). */
  page?: number;
}

/** What `needsApproval` sees: the parsed command plus who asked. */
export interface ApprovalCheckInput extends ParsedCommand {
  user: { id: string; role: Role };
}

/**
 * Everything ec2ops knows about a command, in one place: the parser, help, the role check, the
 * approval policy and infra's IAM policy all read it. One file per command under
 * `commands/specs/`, listed once in `commands/index.ts`.
 */
export interface CommandSpec {
  /** One or more lower-case words: `launch`, `ami list`. */
  name: string;
  /** One line, shown in `/ec2 help`. */
  summary: string;
  /** Overrides the usage generated from `args`/`options` (without the leading `/ec2`). */
  usage?: string;
  /** Full command lines without `/ec2`, e.g. `launch al2023 type=t3.small ttl=8h`. */
  examples?: string[];
  args?: ArgSpec[];
  options?: OptionSpec[];
  /** The least role that may run it. */
  role: Role;
  /** Whether it changes anything in AWS (shown in help; read by audit and approvals). */
  mutates: boolean;
  /** For start, stop and terminate: the instance states it acts from and those meaning it is done. */
  states?: LifecycleStates;
  /** IAM the worker needs to run it; infra builds the worker's policy from every spec's list. */
  iam: IamNeed[];
  /**
   * Pure policy: returns why this request needs someone else's approval, or undefined when it
   * may run now. Evaluated by the worker before executing; an approved request skips it.
   */
  needsApproval?: (request: ApprovalCheckInput, config: StageConfig) => string | undefined;
  /**
   * A modal that asks for the arguments, e.g. `/ec2 launch` with none. The slack function opens
   * it (views.open, the trigger expires in 3 s, so `build` is pure and fast) and turns the
   * submission into values, which are checked and authorised like typed ones.
   */
  modal?: CommandModal;
  /** Hidden from the help list (still runnable and documented with `help <name>`). */
  hidden?: boolean;
}

export interface CommandModal {
  /** Whether this request opens the modal instead of running (typically: no arguments given). */
  opensWhen(parsed: ParsedCommand): boolean;
  /** Pure: the modal for this person (callback_id is set by the framework). */
  build(input: {
    user: { id: string; role: Role };
    config: StageConfig;
    channel: string;
  }): Omit<ModalView, 'callback_id'>;
  /**
   * Pure: the submitted values (block_id → action value; select → selected value) → values by
   * argument or option name. They are converted and checked like typed values
   * (parse.ts `parseFormValues`) but never joined into text and re-parsed, so a value cannot
   * smuggle options.
   */
  toValues(values: Record<string, string | undefined>): Record<string, string | undefined>;
}
