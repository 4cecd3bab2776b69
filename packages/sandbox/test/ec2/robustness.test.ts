import { describe, expect, it } from 'vitest';
import '../../src/ec2/actions';
import { isEc2ApiError } from '../../src/ec2/errors';
import { seededRandom } from '../../src/ec2/faults';
import { images, instances } from '../../src/ec2/model';
import { parseQuery } from '../../src/ec2/query';
import { invoke, listActions } from '../../src/ec2/registry';
import { Ec2Store } from '../../src/ec2/store';

const NAMES = [
  'InstanceId',
  'ImageId',
  'SnapshotId',
  'VolumeId',
  'VpcId',
  'SubnetId',
  'GroupId',
  'SecurityGroupId',
  'KeyName',
  'ResourceId',
  'Owner',
  'ExecutableBy',
  'Filter',
  'MaxResults',
  'NextToken',
  'MinCount',
  'MaxCount',
  'InstanceType',
  'ClientToken',
  'DryRun',
  'Name',
  'Description',
  'NoReboot',
  'BlockDeviceMapping',
  'TagSpecification',
  'Tag',
  'CidrBlock',
  'AvailabilityZone',
  'LaunchTemplateName',
  'LaunchTemplateId',
  'LaunchTemplateData',
  'SourceVersion',
  'LaunchTemplateVersion',
  'MinVersion',
  'MaxVersion',
  'IncludeAllInstances',
  'MetadataOptions',
  'IamInstanceProfile',
  'Placement',
  'NetworkInterface',
  'LaunchTemplate',
  'Version',
  'KeyType',
  'RegionName',
  'ZoneName',
  'Force',
];
const SUFFIXES = [
  '',
  '.1',
  '.2',
  '.1.Name',
  '.1.Value.1',
  '.1.Key',
  '.1.Value',
  '.1.ResourceType',
  '.1.Tag.1.Key',
  '.1.DeviceName',
  '.1.Ebs.VolumeSize',
  '.1.Ebs.VolumeType',
  '.1.NoDevice',
  '.HttpTokens',
  '.Arn',
  '.Name',
  '.ImageId',
  '.InstanceType',
  '.SecurityGroupId.1',
  '.1.SubnetId',
  '.LaunchTemplateId',
  '.Version',
  '.0',
  '.x',
];

/**
 * Every action, fed seeded random parameters (real names, odd values, odd shapes), either
 * answers or refuses with an EC2 error: no exception of any other kind ever escapes a handler.
 */
describe('robustness', () => {
  it('answers or refuses every action for 10,000 random requests, never crashing', () => {
    const random = seededRandom(20241212);
    const store = new Ec2Store({ delays: { instancePending: 0 } });
    const state = store.region('us-east-1');
    const imageId = [...images.in(state).keys()][0]!;
    invoke({
      store,
      action: 'RunInstances',
      params: parseQuery(`ImageId=${imageId}&MinCount=2&MaxCount=2`),
      region: 'us-east-1',
      requestId: 'seed',
    });
    const instanceId = [...instances.in(state).keys()][0]!;
    const values = [
      '',
      ' ',
      '0',
      '1',
      '-1',
      '5',
      '1000',
      '99999999999999999999',
      'true',
      'false',
      'TRUE',
      'yes',
      '$Latest',
      '$Default',
      '*',
      '?',
      'i-0123456789abcdef0',
      instanceId,
      imageId,
      'ami-12',
      'sg-zz',
      'snap-0123456789abcdef0',
      'lt-0123456789abcdef0',
      'vpc-0',
      '10.0.0.0/16',
      '10.0.0.0/99',
      't3.micro',
      'm7g.large',
      'gp3',
      'io2',
      '/dev/xvda',
      'instance',
      'image',
      'aws:x',
      'x'.repeat(300),
      '\u0000\uffff\ud800',
      '<xml>&',
      'eu-west-1',
      'us-east-1a',
    ];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const actions = listActions();
    let answered = 0;
    let refused = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const action = actions[i % actions.length]!;
      const query = new URLSearchParams();
      const count = Math.floor(random() * 6);
      for (let j = 0; j < count; j += 1) query.append(`${pick(NAMES)}${pick(SUFFIXES)}`, pick(values));
      try {
        const params = parseQuery(query.toString());
        invoke({ store, action, params, region: 'us-east-1', requestId: `fuzz-${i}` });
        answered += 1;
      } catch (error) {
        if (!isEc2ApiError(error)) {
          throw new Error(`${action}?${query} threw ${(error as Error)?.stack ?? String(error)}`);
        }
        expect(error.status).toBeLessThan(500);
        refused += 1;
      }
    }
    expect(answered + refused).toBe(10_000);
    expect(answered).toBeGreaterThan(100);
  });
});
