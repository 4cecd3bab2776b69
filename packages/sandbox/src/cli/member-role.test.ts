import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../test/cli/capture-output';
import { main } from './main';

const STAGE = {
  stage: 'hub',
  regions: ['us-east-1'],
  accounts: [
    { id: '111111111111', alias: 'dev', externalId: 'shared-id' },
    { id: '222222222222', alias: 'prod', externalId: 'shared-id' },
  ],
};

let dir: string;
let stageFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ec2ops-member-role-'));
  stageFile = join(dir, 'hub.json');
  await writeFile(stageFile, JSON.stringify(STAGE));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('ec2ops member-role', () => {
  it('prints a CloudFormation template with one IAM role, trusting the hub functions with the ExternalId', async () => {
    const { out } = captureOutput();
    expect(await main(['member-role', '--stage', stageFile, '--format', 'cloudformation'])).toBe(0);
    const template = JSON.parse(out());
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toEqual([
      'AWS::IAM::Role',
    ]);
    const role = template.Resources.MemberRole.Properties;
    expect(role.RoleName).toBe('ec2ops-member-hub');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal.AWS).toContainEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not JavaScript's
      'Fn::Sub': 'arn:aws:iam::${HubAccountId}:role/ec2ops-hub-eip-cleanup',
    });
    expect(role.Policies[0].PolicyDocument.Statement.length).toBeGreaterThan(0);
  });

  it('prints the role name, trust and policy as JSON for a given hub account', async () => {
    const { out } = captureOutput();
    expect(
      await main(['member-role', '--stage', stageFile, '--format', 'json', '--hub-account', '123456789012']),
    ).toBe(0);
    const document = JSON.parse(out());
    expect(document.roleName).toBe('ec2ops-member-hub');
    expect(document.trustPolicy.Statement[0].Principal.AWS).toContain(
      'arn:aws:iam::123456789012:role/ec2ops-hub-worker',
    );
    expect(document.trustPolicy.Statement[0].Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'shared-id' },
    });
  });

  it('refuses an unknown format and JSON without the hub account, with a stable code, printing nothing', async () => {
    const { out, err } = captureOutput();
    expect(await main(['member-role', '--stage', stageFile, '--format', 'yaml'])).not.toBe(0);
    expect(await main(['member-role', '--stage', stageFile, '--format', 'json'])).not.toBe(0);
    expect(err()).toContain('cli.member-role');
    expect(out()).toBe('');
  });
});
