import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestEmulator, type TestEmulator, xmlValues } from './harness';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('EC2 wire format', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => t.close());

  const stateText = async () => JSON.stringify((await t.control('GET', '/_emulator/state')).json);

  it('answers an action with <ActionResponse> in the EC2 namespace and a requestId', async () => {
    const { status, body } = await rawRequest(t.url, { Action: 'DescribeRegions' });
    expect(status).toBe(200);
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(body).toContain(`<DescribeRegionsResponse xmlns="${NAMESPACE}">`);
    expect(xmlValues(body, 'requestId')[0]).toMatch(UUID);
    expect(body).toMatch(/<regionInfo><item><regionName>[a-z0-9-]+<\/regionName>/);
    expect(body.trimEnd().endsWith('</DescribeRegionsResponse>')).toBe(true);
  });

  it('writes lists as <xSet><item>…</item></xSet> and leaves out absent fields', async () => {
    const { body } = await rawRequest(t.url, { Action: 'DescribeVpcs' });
    expect(body).toMatch(/<vpcSet><item><vpcId>vpc-[0-9a-f]{17}<\/vpcId>/);
    expect(body).toContain('<isDefault>true</isDefault>');
    expect(body).not.toContain('<tagSet>');
  });

  it('answers errors as <Response><Errors><Error> with Code, Message and RequestID', async () => {
    const { status, body } = await rawRequest(t.url, {
      Action: 'DescribeInstances',
      'InstanceId.1': 'i-nope',
    });
    expect(status).toBe(400);
    expect(body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidInstanceID.Malformed<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  it('answers an unknown action with InvalidAction (400)', async () => {
    const { status, body } = await rawRequest(t.url, { Action: 'LaunchRockets' });
    expect(status).toBe(400);
    expect(xmlValues(body, 'Code')).toEqual(['InvalidAction']);
  });

  it('answers a request without Action with MissingParameter', async () => {
    const { status, body } = await rawRequest(t.url, {});
    expect(status).toBe(400);
    expect(xmlValues(body, 'Code')).toEqual(['MissingParameter']);
  });

  it('answers DryRun with DryRunOperation (412)', async () => {
    const { status, body } = await rawRequest(t.url, { Action: 'DescribeVpcs', DryRun: 'true' });
    expect(status).toBe(412);
    expect(xmlValues(body, 'Code')).toEqual(['DryRunOperation']);
  });

  it('refuses malformed parameters with EC2 errors, keeps serving and changes nothing', async () => {
    const before = await stateText();
    const cases: [Record<string, string>, string][] = [
      [{ Action: 'DescribeInstances', MaxResults: 'many' }, 'InvalidParameterValue'],
      [{ Action: 'DescribeInstances', MaxResults: '2' }, 'InvalidParameterValue'],
      [{ Action: 'DescribeInstances', 'Filter.1.Value.1': 'x' }, 'MissingParameter'],
      [
        { Action: 'DescribeInstances', 'Filter.1.Name': 'no-such-filter', 'Filter.1.Value.1': 'x' },
        'InvalidParameterValue',
      ],
      [{ Action: 'DescribeInstances', 'InstanceId.x': 'i-0123456789abcdef0' }, 'InvalidParameterValue'],
      [{ Action: 'DescribeInstances', NextToken: 'garbage' }, 'InvalidNextToken'],
      [{ Action: 'DescribeInstances', 'a..b': '1' }, 'InvalidParameterValue'],
      [{ Action: 'DescribeVpcs', DryRun: 'maybe' }, 'InvalidParameterValue'],
      [{ Action: 'RunInstances', MinCount: '1', MaxCount: '1' }, 'MissingParameter'],
      [
        { Action: 'RunInstances', ImageId: 'ami-12345678', MinCount: '-1', MaxCount: '1' },
        'InvalidParameterValue',
      ],
      [{ Action: 'CreateTags', 'ResourceId.1': 'x-1', 'Tag.1.Key': 'k' }, 'InvalidID'],
      [{ Action: 'CreateVpc', CidrBlock: '10.0.0.0/33' }, 'InvalidParameterValue'],
    ];
    for (const [params, code] of cases) {
      const { status, body } = await rawRequest(t.url, params);
      expect({ params, status, codes: xmlValues(body, 'Code') }).toEqual({
        params,
        status: 400,
        codes: [code],
      });
    }
    expect(await stateText()).toBe(before);
    const ok = await rawRequest(t.url, { Action: 'DescribeRegions' });
    expect(ok.status).toBe(200);
  });

  it('refuses an oversized body with an EC2-style error and keeps serving', async () => {
    const before = await stateText();
    const huge = 'x'.repeat(200 * 1024);
    const { status, body } = await rawRequest(t.url, {
      Action: 'CreateVpc',
      CidrBlock: '10.9.0.0/16',
      Pad: huge,
    });
    expect(status).toBe(413);
    expect(xmlValues(body, 'Code')).toEqual(['RequestEntityTooLarge']);
    expect(body).toContain('<RequestID>');
    expect(await stateText()).toBe(before);
    const vpcs = await t.ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs).toHaveLength(1);
  });

  it('accepts parameters in the query string (GET), as EC2 does', async () => {
    const response = await fetch(`${t.url}/?Action=DescribeAvailabilityZones&Version=2016-11-15`);
    expect(response.status).toBe(200);
    expect(xmlValues(await response.text(), 'zoneName')).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('keeps state per region, taken from the SigV4 credential scope', async () => {
    const euVpcs = await rawRequest(t.url, { Action: 'DescribeVpcs' }, { region: 'eu-west-1' });
    const usVpcs = await rawRequest(t.url, { Action: 'DescribeVpcs' }, { region: 'us-east-1' });
    const euId = xmlValues(euVpcs.body, 'vpcId')[0];
    const usId = xmlValues(usVpcs.body, 'vpcId')[0];
    expect(euId).toMatch(/^vpc-/);
    expect(euId).not.toBe(usId);
    const zones = await rawRequest(t.url, { Action: 'DescribeAvailabilityZones' }, { region: 'eu-west-1' });
    expect(xmlValues(zones.body, 'zoneName')[0]).toBe('eu-west-1a');
  });

  it('escapes text so that any tag value round-trips', async () => {
    const vpcId = xmlValues((await rawRequest(t.url, { Action: 'DescribeVpcs' })).body, 'vpcId')[0]!;
    const value = `<a href="x">&'</a>`;
    const created = await rawRequest(t.url, {
      Action: 'CreateTags',
      'ResourceId.1': vpcId,
      'Tag.1.Key': 'odd',
      'Tag.1.Value': value,
    });
    expect(created.status).toBe(200);
    const described = await t.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(described.Vpcs?.[0]?.Tags).toEqual([{ Key: 'odd', Value: value }]);
    await rawRequest(t.url, { Action: 'DeleteTags', 'ResourceId.1': vpcId });
  });

  it('answers control requests with JSON and unknown ones with 404', async () => {
    const health = await t.control('GET', '/_emulator/health');
    expect(health.status).toBe(200);
    expect((health.json as { actions: string[] }).actions).toContain('RunInstances');
    expect((await t.control('GET', '/_emulator/nothing-here')).status).toBe(404);
    expect((await t.control('DELETE', '/_emulator/health')).status).toBe(405);
  });

  it('answers UnauthorizedOperation (403) when the authorization hook refuses, with or without DryRun', async () => {
    const guarded = await startTestEmulator({ authorize: (action) => action !== 'CreateVpc' });
    try {
      for (const dryRun of ['false', 'true']) {
        const { status, body } = await rawRequest(guarded.url, {
          Action: 'CreateVpc',
          CidrBlock: '10.1.0.0/16',
          DryRun: dryRun,
        });
        expect([status, xmlValues(body, 'Code')]).toEqual([403, ['UnauthorizedOperation']]);
      }
      expect((await rawRequest(guarded.url, { Action: 'DescribeVpcs' })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('denies the actions named through /_emulator/authorization until the list is cleared', async () => {
    const denied = await t.control('POST', '/_emulator/authorization', { deny: ['CreateVpc'] });
    expect(denied).toEqual({ status: 200, json: { deny: ['CreateVpc'] } });
    const refused = await rawRequest(t.url, { Action: 'CreateVpc', CidrBlock: '10.2.0.0/16' });
    expect([refused.status, xmlValues(refused.body, 'Code')]).toEqual([403, ['UnauthorizedOperation']]);
    expect(xmlValues(refused.body, 'Message')[0]).toContain('ec2:CreateVpc');
    await t.control('POST', '/_emulator/authorization', { deny: [] });
    const dry = await rawRequest(t.url, { Action: 'CreateVpc', CidrBlock: '10.2.0.0/16', DryRun: 'true' });
    expect(dry.status).toBe(412);
    expect((await t.control('POST', '/_emulator/authorization', { deny: 'all' })).status).toBe(400);
  });

  it('answers an unexpected failure with InternalError (500) and keeps serving', async () => {
    const { registerAction } = await import('../../src/ec2/registry');
    registerAction('TestExplode', {
      mutates: false,
      handler: () => {
        throw new TypeError('boom');
      },
    });
    const { status, body } = await rawRequest(t.url, { Action: 'TestExplode' });
    expect(status).toBe(500);
    expect(xmlValues(body, 'Code')).toEqual(['InternalError']);
    expect((await rawRequest(t.url, { Action: 'DescribeRegions' })).status).toBe(200);
  });
});
