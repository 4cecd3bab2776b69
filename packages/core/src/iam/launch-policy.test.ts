import { describe, expect, it } from 'vitest';
import { SANDBOX_STAGE } from '../config/sandbox-stage';
import { parseStageConfig } from '../config/schema';
import { stagePolicies } from './ec2ops';
import type { PolicyStatement } from './policy';

/** What the launch commands and the instance-reaper may do in AWS, as the stage's policies say. */
const { policies } = stagePolicies(parseStageConfig(SANDBOX_STAGE));
const grantsOf = (statements: PolicyStatement[], action: string) =>
  statements.filter((s) => s.Action.includes(action));

describe('IAM of launch and the instance-reaper', () => {
  it('launches only instances and volumes tagged managed in the same request', () => {
    const run = grantsOf(policies.worker.Statement, 'ec2:RunInstances');
    const instance = run.find((s) => s.Resource.includes('arn:aws:ec2:*:*:instance/*'))!;
    const volume = run.find((s) => s.Resource.includes('arn:aws:ec2:*:*:volume/*'))!;
    for (const statement of [instance, volume]) {
      expect(statement.Condition?.['StringEquals']?.['aws:RequestTag/ec2ops:managed']).toBe('true');
      expect(statement.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys']).toEqual(['Name', 'ec2ops:*']);
    }
  });

  it('passes a role only to EC2, and stops, starts and terminates only managed instances', () => {
    const [pass] = grantsOf(policies.worker.Statement, 'iam:PassRole');
    expect(pass!.Condition?.['StringEquals']?.['iam:PassedToService']).toBe('ec2.amazonaws.com');
    for (const fn of ['worker', 'instance-reaper'] as const) {
      for (const action of ['ec2:StopInstances', 'ec2:TerminateInstances']) {
        const statements = grantsOf(policies[fn].Statement, action);
        expect(statements.length, `${fn} ${action}`).toBeGreaterThan(0);
        for (const s of statements)
          expect(s.Condition?.['StringEquals']?.['aws:ResourceTag/ec2ops:managed']).toBe('true');
      }
    }
    for (const s of grantsOf(policies.worker.Statement, 'ec2:StartInstances'))
      expect(s.Condition?.['StringEquals']?.['aws:ResourceTag/ec2ops:managed']).toBe('true');
  });

  it('lets extend and the reaper write only their own tags on managed instances', () => {
    const instanceTags = (fn: 'worker' | 'instance-reaper') =>
      grantsOf(policies[fn].Statement, 'ec2:CreateTags').filter((s) =>
        s.Resource.includes('arn:aws:ec2:*:*:instance/*'),
      );
    const keysOf = (s: PolicyStatement) => s.Condition?.['ForAllValues:StringEquals']?.['aws:TagKeys'];
    expect(instanceTags('instance-reaper').map(keysOf)).toEqual(['ec2ops:warned-for']);
    expect(
      instanceTags('worker').some(
        (s) => JSON.stringify(keysOf(s)) === '["ec2ops:expires-at","ec2ops:extended-by"]',
      ),
    ).toBe(true);
  });
});
