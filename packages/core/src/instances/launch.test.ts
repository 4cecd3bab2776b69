import { describe, expect, it } from 'vitest';
import { parseStageConfig } from '../config/schema';
import {
  checkCount,
  checkRunningLimit,
  checkType,
  expiresAt,
  instanceTagKeys,
  launchNeedsApproval,
  launchTags,
  resolveSubnet,
  resolveTtl,
  runInstancesRequest,
} from './launch';

const config = parseStageConfig({
  stage: 'test',
  launch: {
    maxTtl: '1d',
    maxCount: 2,
    maxRunningPerUser: 3,
    subnets: { aliases: { 'private-a': 'subnet-0123456789abcdef0' } },
    securityGroups: ['sg-0123456789abcdef0'],
    instanceProfile: 'app-role',
    rootVolumeGiB: 30,
  },
});
const launch = config.launch;
const H = 3_600_000;

describe('launch policy', () => {
  it('uses the stage’s default TTL and refuses one beyond the maximum', () => {
    expect(resolveTtl(undefined, launch)).toBe(8 * H);
    expect(resolveTtl(24 * H, launch)).toBe(24 * H);
    expect(() => resolveTtl(25 * H, launch)).toThrow(/longer than this stage allows \(1d\)/);
  });

  it('refuses more instances per request, or per person, than the stage allows', () => {
    expect(() => checkCount(2, launch)).not.toThrow();
    expect(() => checkCount(3, launch)).toThrow(/count=3 is more than/);
    expect(() => checkRunningLimit(2, 1, launch)).not.toThrow();
    expect(() => checkRunningLimit(2, 2, launch)).toThrow(/limit of 3 per person/);
  });

  it('resolves subnet aliases and refuses subnets the stage does not list', () => {
    expect(resolveSubnet('private-a', launch)).toBe('subnet-0123456789abcdef0');
    expect(resolveSubnet(undefined, launch)).toBeUndefined();
    expect(() => resolveSubnet('subnet-0fedcba9876543210', launch)).toThrow(
      /not one of this stage's launch subnets/,
    );
    expect(() => resolveSubnet('dmz', launch)).toThrow(/neither a subnet id nor a subnet alias/);
  });

  it('asks for approval for a type beyond the role, and not once approved', () => {
    const request = { command: 'launch', args: { image: 'al2023', type: 'm7g.2xlarge' } };
    expect(launchNeedsApproval({ ...request, user: { id: 'U1', role: 'operator' } }, config)).toContain(
      'larger than large',
    );
    expect(launchNeedsApproval({ ...request, user: { id: 'U1', role: 'admin' } }, config)).toBeUndefined();
    expect(() => checkType('m7g.2xlarge', 'operator', false, launch)).toThrow(/larger than large/);
    expect(checkType('m7g.2xlarge', 'operator', true, launch).name).toBe('m7g.2xlarge');
    expect(() => checkType('x1e.large', 'operator', true, launch)).toThrow(
      /not allowed for the operator role/,
    );
  });

  it('counts the TTL from the approval when there was one', () => {
    expect(expiresAt({ requestedAt: '2026-11-23T10:00:00.000Z' }, H)).toBe('2026-11-23T11:00:00.000Z');
    expect(
      expiresAt({ requestedAt: '2026-11-23T10:00:00.000Z', approval: { at: '2026-11-23T10:30:00.000Z' } }, H),
    ).toBe('2026-11-23T11:30:00.000Z');
  });

  it('launches with IMDSv2, an encrypted gp3 root deleted on termination, the profile and tags on instance and volumes', () => {
    const keys = instanceTagKeys('ec2ops:');
    const tags = launchTags(
      {
        name: 'web',
        owner: 'U1',
        expiresAt: '2026-11-23T11:00:00.000Z',
        stage: 'test',
        requestId: 'r-1',
        alias: 'al2023',
      },
      keys,
    );
    const input = runInstancesRequest(
      {
        imageId: 'ami-0123456789abcdef0',
        rootDeviceName: '/dev/xvda',
        imageRootGiB: 8,
        type: 't3.micro',
        count: 2,
        subnetId: 'subnet-0123456789abcdef0',
        clientToken: 'r-1:launch',
        tags,
      },
      launch,
    );
    expect(input).toMatchObject({
      MinCount: 2,
      MaxCount: 2,
      ClientToken: 'r-1:launch',
      SecurityGroupIds: ['sg-0123456789abcdef0'],
      IamInstanceProfile: { Name: 'app-role' },
      MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
        },
      ],
    });
    expect(input.KeyName).toBeUndefined();
    for (const spec of input.TagSpecifications) {
      expect(Object.fromEntries(spec.Tags.map((t) => [t.Key, t.Value]))).toEqual({
        Name: 'web',
        'ec2ops:managed': 'true',
        'ec2ops:owner': 'U1',
        'ec2ops:expires-at': '2026-11-23T11:00:00.000Z',
        'ec2ops:stage': 'test',
        'ec2ops:request-id': 'r-1',
        'ec2ops:image-alias': 'al2023',
      });
    }
    expect(input.TagSpecifications.map((s) => s.ResourceType)).toEqual(['instance', 'volume']);
  });
});

describe('launch config', () => {
  it('refuses unusable settings with readable paths', () => {
    expect(() =>
      parseStageConfig({
        stage: 'bad',
        launch: {
          types: {
            default: { x86_64: 't3micro' },
            roles: { operator: { families: ['T3'], maxSize: 'huge' } },
          },
          images: { aliases: { al: { owner: 'someone', name: 'x' } } },
        },
      }),
    ).toThrow(
      /launch\.images\.aliases\.al\.owner: must be self[\s\S]*launch\.types\.default\.x86_64: must be an instance type[\s\S]*families\.0: must be an instance family[\s\S]*maxSize: must be a size/,
    );
    expect(() =>
      parseStageConfig({
        stage: 'bad',
        launch: {
          defaultTtl: '2d',
          maxTtl: '1d',
          subnets: { default: 'nowhere' },
          images: { aliases: { AL: { owner: 'amazon', name: 'x' } } },
        },
      }),
    ).toThrow(
      /launch\.defaultTtl: must not be longer than maxTtl[\s\S]*launch\.images\.aliases\.AL: must be a lower-case alias[\s\S]*launch\.subnets\.default: "nowhere" is neither/,
    );
  });
});
