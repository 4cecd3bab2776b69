import { describe, expect, it } from 'vitest';
import type { FunctionName } from '../capability';
import { COMMANDS } from '../commands/index';
import { SANDBOX_STAGE } from '../config/sandbox-stage';
import { parseStageConfig } from '../config/schema';
import { JOB_DEFINITIONS } from '../job-catalog';
import { ec2opsCapabilities, policyScope, stagePolicies } from './ec2ops';
import { TAG_ON_CREATE } from './guards';
import { allowedActions, buildFunctionPolicies, FUNCTION_NAMES } from './policy';

const config = parseStageConfig(SANDBOX_STAGE);
// A stage that lists a security group, so the port capabilities get their grants too.
const scope = { ...policyScope(config), securityGroups: { ids: ['sg-0123456789abcdef0'], tags: {} } };
const { policies, warnings } = buildFunctionPolicies(ec2opsCapabilities(), scope);

const declared = (fn: FunctionName) =>
  new Set(
    ec2opsCapabilities()
      .filter((c) => c.runsIn === fn)
      .flatMap((c) => c.iam.flatMap((n) => n.actions)),
  );
const createsSomething = (fn: FunctionName) => TAG_ON_CREATE.some((a) => declared(fn).has(`ec2:${a}`));

describe("ec2ops's own commands and jobs", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'command "%s": every IAM action it uses is granted to the worker',
    (_, spec) => {
      for (const action of spec.iam.flatMap((n) => n.actions))
        expect(allowedActions(policies.worker)).toContain(action);
    },
  );

  it.each(JOB_DEFINITIONS.map((j) => [j.name, j] as const))(
    'job "%s": every IAM action it uses is granted to its function',
    (_, job) => {
      for (const action of job.iam.flatMap((n) => n.actions))
        expect(allowedActions(policies[job.function])).toContain(action);
    },
  );

  it('grants each function only what its own commands or jobs declare (plus tagging what it creates)', () => {
    for (const fn of FUNCTION_NAMES) {
      const expected = new Set([...declared(fn), ...(createsSomething(fn) ? ['ec2:CreateTags'] : [])]);
      expect(allowedActions(policies[fn]), fn).toEqual([...expected].sort());
    }
  });

  it('lets every function image only managed instances; the nightly bake also needs bake=nightly', () => {
    for (const fn of FUNCTION_NAMES) {
      const onInstances = policies[fn].Statement.filter(
        (s) => s.Action.includes('ec2:CreateImage') && s.Resource.some((r) => r.includes(':instance/')),
      );
      for (const statement of onInstances)
        expect(statement.Condition?.StringEquals?.['aws:ResourceTag/ec2ops:managed'], fn).toBe('true');
    }
    const bake = policies['ami-bake'].Statement.find(
      (s) => s.Action.includes('ec2:CreateImage') && s.Resource.some((r) => r.includes(':instance/')),
    );
    expect(bake?.Condition?.StringEquals).toMatchObject({
      'aws:ResourceTag/ec2ops:managed': 'true',
      'aws:ResourceTag/ec2ops:bake': 'nightly',
    });
  });

  it('gives the slack function no EC2 permission (it only verifies, parses and enqueues)', () => {
    expect(policies.slack.Statement).toEqual([]);
  });

  it('drops nothing when the stage lists its security groups', () => {
    expect(warnings).toEqual([]);
  });

  it('grants no security-group change in a stage that lists no groups, and says so', () => {
    const { warnings: unlisted } = stagePolicies(parseStageConfig({ stage: 'unlisted' }));
    const changers = ec2opsCapabilities().filter((c) =>
      c.iam.some((n) => n.actions.includes('ec2:RevokeSecurityGroupIngress')),
    );
    for (const c of changers) {
      expect(unlisted).toContain(
        `${c.runsIn}: ec2:RevokeSecurityGroupIngress is not granted because the stage allows no security groups`,
      );
    }
  });
});
