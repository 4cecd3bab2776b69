import { type Role, roleAtLeast } from '../config/roles';
import type { CommandSpec } from './types';
import { typeHint } from './values';

const NAME = /^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/;
const ARG_NAME = /^[a-z][a-z0-9-]*$/;
/** Reserved for the framework: `page=N` on every command. */
export const RESERVED_OPTIONS = ['page'] as const;

/** The slash command everything lives under (as typed in Slack). */
export const SLASH_COMMAND = '/ec2';

/**
 * Every command spec, checked once at start-up: unique multi-word names, unique argument and
 * option names, at most one trailing `rest` argument. A bad spec fails every test at import.
 */
export class CommandRegistry {
  readonly specs: readonly CommandSpec[];
  private readonly byName = new Map<string, CommandSpec>();

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      if (!NAME.test(spec.name)) throw new Error(`command name "${spec.name}" must be lower-case words`);
      if (this.byName.has(spec.name)) throw new Error(`command "${spec.name}" is declared twice`);
      checkDeclarations(spec);
      this.byName.set(spec.name, spec);
    }
    this.specs = [...specs].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /** Every command name, e.g. `help`, `launch`, `ami list`. */
  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Commands a role may run, in help order. */
  allowedFor(role: Role | undefined): CommandSpec[] {
    return this.specs.filter((s) => roleAtLeast(role, s.role));
  }

  /** `launch <image> [type=<type>] …`, from the declaration unless the spec gives its own. */
  usage(spec: CommandSpec): string {
    if (spec.usage) return `${SLASH_COMMAND} ${spec.usage}`;
    const parts = [spec.name];
    for (const arg of spec.args ?? []) {
      const hole = `<${arg.placeholder ?? arg.name}>${arg.rest ? '…' : ''}`;
      const word = arg.keyword ? `${arg.keyword} ${hole}` : hole;
      parts.push(arg.required ? word : `[${word}]`);
    }
    for (const option of spec.options ?? []) {
      const word = `${option.name}=<${option.placeholder ?? typeHint(option)}>`;
      parts.push(option.required ? word : `[${word}]`);
    }
    return `${SLASH_COMMAND} ${parts.join(' ')}`;
  }
}

function checkDeclarations(spec: CommandSpec): void {
  const seen = new Set<string>();
  const args = spec.args ?? [];
  const positionals = args.filter((a) => !a.keyword);
  for (const arg of args) {
    if (!ARG_NAME.test(arg.name)) throw new Error(`${spec.name}: argument name "${arg.name}" is not valid`);
    if (seen.has(arg.name)) throw new Error(`${spec.name}: "${arg.name}" is declared twice`);
    seen.add(arg.name);
    if (arg.rest && (arg.keyword || positionals[positionals.length - 1] !== arg)) {
      throw new Error(`${spec.name}: only the last positional argument may take the rest`);
    }
  }
  for (const option of spec.options ?? []) {
    if (!ARG_NAME.test(option.name))
      throw new Error(`${spec.name}: option name "${option.name}" is not valid`);
    if (seen.has(option.name) || (RESERVED_OPTIONS as readonly string[]).includes(option.name)) {
      throw new Error(`${spec.name}: option "${option.name}" is declared twice or reserved`);
    }
    seen.add(option.name);
  }
}
