import type { FunctionName } from '../capability';
import type { Condition } from './conditions';
import { FUNCTION_NAMES, type PolicyDocument } from './policy';

/**
 * Each function's policy as Markdown tables, one row per statement: why (its Sid), what, on
 * which resources, and under which conditions. Generated, so the documentation says what is
 * deployed; a test compares the committed copy with a fresh one.
 */
export function policiesMarkdown<N extends string = FunctionName>(
  policies: Record<N, PolicyDocument>,
  names: readonly N[] = FUNCTION_NAMES as readonly string[] as readonly N[],
): string {
  const sections = names.map((fn) => {
    const statements = policies[fn].Statement;
    if (statements.length === 0) return `### ${fn}\n\nNo EC2 or IAM permission.\n`;
    const rows = statements.map(
      (s) =>
        `| ${words(s.Sid)} | ${s.Action.map(code).join(' ')} | ${s.Resource.map(code).join(' ')} | ${conditionText(s.Condition)} |`,
    );
    return [
      `### ${fn}`,
      '',
      '| Why | Actions | Resources | Only when |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
  });
  return sections.join('\n');
}

/** `OpenThePortOneIngressRule` → `Open the port one ingress rule`. */
function words(sid: string): string {
  const text = sid
    .replace(/([A-Z])/g, ' $1')
    .trim()
    .toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function code(text: string): string {
  return `\`${text.replaceAll('|', '\\|')}\``;
}

function conditionText(condition: Condition | undefined): string {
  if (!condition) return 'always';
  const parts = Object.entries(condition).flatMap(([operator, entries]) =>
    Object.entries(entries).map(([key, value]) => {
      const values = Array.isArray(value) ? value : [value];
      return `${code(key)} ${operator} ${values.map(code).join(', ')}`;
    }),
  );
  return parts.join('<br>');
}
