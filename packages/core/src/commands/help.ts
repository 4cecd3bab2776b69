import { type Role, roleAtLeast } from '../config/roles';
import { type Block, context, divider, header, type Message, section } from '../slack/blocks';
import { closest } from '../text/suggest';
import { CommandParseError } from './parse';
import type { CommandRegistry } from './registry';
import { SLASH_COMMAND } from './registry';
import type { CommandSpec } from './types';

/**
 * `/ec2 help`: the commands this person's role allows (and a count of the others), or one
 * command in detail. Built only from the specs, so help can never drift from what parses.
 */
export function renderHelp(registry: CommandRegistry, role: Role | undefined, topic?: string): Message {
  if (topic) return renderCommandHelp(registry, role, topic);
  const allowed = registry.allowedFor(role).filter((s) => !s.hidden);
  const others = registry.specs.filter((s) => !s.hidden && !roleAtLeast(role, s.role));
  const lines = allowed.map(
    (s) => `\`${registry.usage(s)}\`\n      ${s.summary}${s.mutates ? '' : ' _(read-only)_'}`,
  );
  const blocks: Block[] = [
    header('ec2ops commands'),
    ...section(lines.length ? lines.join('\n') : 'Your role allows no commands yet.'),
    divider(),
    ...context(
      `You are *${role ?? 'not assigned a role'}*.` +
        (others.length
          ? ` ${others.length} more command${others.length === 1 ? '' : 's'} need a higher role.`
          : ''),
      `\`${SLASH_COMMAND} help <command>\` explains one command. Quote values with spaces: reason="db migration".`,
    ),
  ];
  const text = `ec2ops commands:\n${allowed.map((s) => `${registry.usage(s)} — ${s.summary}`).join('\n')}`;
  return { response_type: 'ephemeral', text, blocks };
}

function renderCommandHelp(registry: CommandRegistry, role: Role | undefined, topic: string): Message {
  const name = topic
    .trim()
    .toLowerCase()
    .replace(/^\/ec2\s+/, '')
    .replace(/\s+/g, ' ');
  const spec = registry.get(name);
  if (!spec) {
    const guess = closest(name, registry.names());
    throw new CommandParseError(
      'command.unknown',
      `There is no command \`${name}\`.`,
      undefined,
      guess
        ? `Did you mean \`${SLASH_COMMAND} help ${guess}\`?`
        : `\`${SLASH_COMMAND} help\` lists every command.`,
    );
  }
  const blocks: Block[] = [
    header(`${SLASH_COMMAND} ${spec.name}`),
    ...section(`${spec.summary}\n\`${registry.usage(spec)}\``),
  ];
  const details = describeInputs(spec);
  if (details) blocks.push(...section(details));
  if (spec.examples?.length)
    blocks.push(
      ...section(`*Examples*\n${spec.examples.map((e) => `\`${SLASH_COMMAND} ${e}\``).join('\n')}`),
    );
  const access = roleAtLeast(role, spec.role)
    ? 'You may run it.'
    : `You may not run it (your role: ${role ?? 'none'}).`;
  blocks.push(
    ...context(
      `Needs role *${spec.role}* · ${spec.mutates ? 'changes AWS resources' : 'read-only'} · ${access}`,
    ),
  );
  return { response_type: 'ephemeral', text: `${registry.usage(spec)} — ${spec.summary}`, blocks };
}

function describeInputs(spec: CommandSpec): string {
  const lines: string[] = [];
  for (const arg of spec.args ?? []) {
    const word = arg.keyword
      ? `${arg.keyword} <${arg.placeholder ?? arg.name}>`
      : `<${arg.placeholder ?? arg.name}>`;
    lines.push(`• \`${word}\`${arg.required ? '' : ' (optional)'}: ${arg.description}`);
  }
  for (const option of spec.options ?? []) {
    const fallback = option.default !== undefined ? `, default ${option.default}` : '';
    lines.push(
      `• \`${option.name}=\`${option.required ? '' : ' (optional)'}: ${option.description}${fallback}`,
    );
  }
  return lines.length ? `*Arguments*\n${lines.join('\n')}` : '';
}
