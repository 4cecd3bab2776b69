import type { PolicyDocument, PolicyStatement } from '@ec2ops/core/iam';

/**
 * The policies as a reviewer reads them: one table per function, one row per statement. Cells
 * are escaped for Markdown tables (`|` and newlines), since conditions may hold any tag value.
 */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string) => `\`${text.replaceAll('`', "'")}\``;

function conditionText(statement: PolicyStatement): string {
  const parts: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(entries)) {
      const values = Array.isArray(value) ? value : [value];
      parts.push(`${code(key)} ${operator} ${values.map(code).join(', ')}`);
    }
  }
  return parts.join('<br>') || '—';
}

/** `TagAnImageApprovedTrue` → `Tag an image approved true` (a lone `S` was an apostrophe: `stage's`). */
function purpose(sid: string): string {
  const words = sid.match(/[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [sid];
  return words.map((word, i) => (i === 0 ? word : word === 'S' ? "'s" : ` ${word.toLowerCase()}`)).join('');
}

export function policiesMarkdown(policies: Record<string, PolicyDocument>): string {
  const out: string[] = [];
  for (const [name, document] of Object.entries(policies)) {
    out.push(`### ${name}`, '');
    if (document.Statement.length === 0) {
      out.push('No AWS permissions beyond what SST gives every function.', '');
      continue;
    }
    out.push('| Purpose | Actions | Resources | Conditions |', '| --- | --- | --- | --- |');
    for (const statement of document.Statement) {
      out.push(
        `| ${[
          purpose(statement.Sid),
          statement.Action.map(code).join(', '),
          statement.Resource.map(code).join('<br>'),
          conditionText(statement),
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
