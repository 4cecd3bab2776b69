import {
  DescribeImagesCommand,
  DescribeVolumesCommand,
  paginateDescribeVolumes,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRA_PAGING_RULES, PAGING_RULES, type PagingRule } from '../../src/ec2/paging-rules';
import { listActions } from '../../src/ec2/registry';
import { paginators, serviceModel } from './ec2-model';
import { rawRequest, startTestEmulator, type TestEmulator, xmlValues } from './harness';

/**
 * MaxResults and NextToken as EC2 documents them per action: the rule table covers exactly the
 * served actions the model's paginators list, with the model's ranges, and every action obeys
 * its rule on the wire.
 */
let t: TestEmulator;
const templateName = 'paging-template';
beforeAll(async () => {
  t = await startTestEmulator();
  // 503 volumes: each instance brings its root volume.
  const images = await t.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  await t.ec2.send(
    new RunInstancesCommand({ ImageId: images.Images![0]!.ImageId!, MinCount: 503, MaxCount: 503 }),
  );
  await rawRequest(t.url, {
    Action: 'CreateLaunchTemplate',
    LaunchTemplateName: templateName,
    'LaunchTemplateData.InstanceType': 't3.micro',
  });
});
afterAll(async () => t?.close());

/** Parameters an action cannot be called without. */
const REQUIRED: Record<string, Record<string, string>> = {
  DescribeAddressesAttribute: { Attribute: 'domain-name' },
  DescribeLaunchTemplateVersions: { LaunchTemplateName: templateName },
};

const call = (action: string, extra: Record<string, string> = {}) =>
  rawRequest(t.url, { Action: action, ...REQUIRED[action], ...extra });
const codeOf = (body: string) => xmlValues(body, 'Code')[0];
const ruled = Object.entries(PAGING_RULES) as [string, PagingRule][];

describe('the paging rule table', () => {
  it('names exactly the served actions the model paginates by MaxResults', () => {
    const served = new Set(listActions());
    const model = Object.entries(paginators())
      .filter(([action, p]) => served.has(action) && p.limit_key === 'MaxResults')
      .map(([action]) => action)
      .sort();
    expect(Object.keys(PAGING_RULES).sort()).toEqual(model);
    // What the emulator pages beyond this model version is not in the model's paginators.
    for (const action of Object.keys(EXTRA_PAGING_RULES)) expect(paginators()[action]).toBeUndefined();
  });

  it('uses the model’s range wherever the model constrains MaxResults', () => {
    const { operations, shapes } = serviceModel();
    for (const [action, rule] of ruled) {
      const input = shapes[operations[action]!.input!.shape]!;
      const limit = shapes[input.members!.MaxResults!.shape]!;
      if (limit.min !== undefined) expect([action, rule.min]).toEqual([action, limit.min]);
      if (limit.max !== undefined) expect([action, rule.max]).toEqual([action, limit.max]);
    }
  });
});

describe('MaxResults', () => {
  it.each(ruled)(
    '%s: refuses below the minimum, accepts the range, errs or caps above it',
    async (action, rule) => {
      expect(codeOf((await call(action, { MaxResults: String(rule.min - 1) })).body)).toBe(
        'InvalidParameterValue',
      );
      expect((await call(action, { MaxResults: String(rule.min) })).status).toBe(200);
      expect((await call(action, { MaxResults: String(rule.max) })).status).toBe(200);
      const above = await call(action, { MaxResults: String(rule.max + 1) });
      if (rule.above === 'cap') expect(above.status).toBe(200);
      else expect(codeOf(above.body)).toBe('InvalidParameterValue');
      expect(codeOf((await call(action, { MaxResults: 'ten' })).body)).toBe('InvalidParameterValue');
    },
  );

  it.each(ruled.filter(([, rule]) => rule.idsParam))(
    '%s: cannot combine MaxResults with ids',
    async (action, rule) => {
      const { body } = await call(action, {
        MaxResults: String(rule.min),
        [`${rule.idsParam!.query}.1`]: 'x',
      });
      expect(codeOf(body)).toBe('InvalidParameterCombination');
      expect(xmlValues(body, 'Message')[0]).toContain(rule.idsParam!.wire);
    },
  );

  it('answers a plain describe-volumes as the AWS CLI sends it (MaxResults=1000) with at most 500 a page', async () => {
    const first = await t.ec2.send(new DescribeVolumesCommand({ MaxResults: 1000 }));
    expect(first.Volumes).toHaveLength(500);
    expect(first.NextToken).toBeTruthy();
    const ids = new Set<string>();
    for await (const page of paginateDescribeVolumes({ client: t.ec2, pageSize: 1000 }, {})) {
      for (const v of page.Volumes ?? []) ids.add(v.VolumeId!);
    }
    expect(ids.size).toBe(503);
  });
});

describe('NextToken', () => {
  const tokenRule = ([action, rule]: [string, PagingRule]) => [action, rule] as const;

  it.each(ruled.map(tokenRule))('%s: refuses a token it did not issue', async (action, rule) => {
    const expected = rule.vpcStyleToken ? 'InvalidParameterValue' : 'InvalidNextToken';
    expect(codeOf((await call(action, { NextToken: 'garbage' })).body)).toBe(expected);
    // A well-formed token of another action is not a token of this one.
    const foreign = Buffer.from(JSON.stringify({ a: 'DescribeNothing', o: 5 })).toString('base64url');
    expect(codeOf((await call(action, { NextToken: foreign })).body)).toBe(expected);
    const empty = await call(action, { NextToken: '' });
    if (rule.vpcStyleToken) expect(codeOf(empty.body)).toBe('InvalidParameterValue');
    else expect(empty.status).toBe(200);
  });

  it('resumes where the previous page stopped, and a token can be used again', async () => {
    const first = await t.ec2.send(new DescribeVolumesCommand({ MaxResults: 5 }));
    const again = [
      await t.ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: first.NextToken })),
      await t.ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: first.NextToken })),
    ];
    expect(again[0]!.Volumes).toEqual(again[1]!.Volumes);
    const seen = [...first.Volumes!, ...again[0]!.Volumes!].map((v) => v.VolumeId);
    expect(new Set(seen).size).toBe(10);
  });
});
