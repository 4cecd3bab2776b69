import { type CommandRequest, type CommandSpec, formatCommand } from '@ec2ops/core/commands';
import { ACTION_KINDS, actionId, type ButtonElement, button, LIMITS } from '@ec2ops/core/slack';

/**
 * The button that shows page `n` of an answer: it re-runs the command as typed, `account=` and
 * `region=` included, with `page=n`; undefined when that text is too long for a button value
 * (the person then types `page=n`).
 */
export function pageButton(
  request: Pick<CommandRequest, 'args' | 'account' | 'region'>,
  spec: CommandSpec,
): (n: number, label: string) => ButtonElement | undefined {
  return (n, label) => {
    const value = formatCommand(
      {
        command: spec.name,
        args: request.args,
        page: n,
        ...(request.account === undefined ? {} : { account: request.account }),
        ...(request.region === undefined ? {} : { region: request.region }),
      },
      spec,
    );
    return value.length > LIMITS.buttonValue
      ? undefined
      : button(label, actionId(ACTION_KINDS.run, `page-${n}`), { value });
  };
}
