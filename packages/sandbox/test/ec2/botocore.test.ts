import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './harness';

/**
 * A second, independent EC2 client: botocore (what the AWS CLI is built on), from Debian's
 * python3-botocore. It parses responses with its own model, so it catches wire details the
 * JavaScript SDK tolerates.
 */
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys, time
try:
    import botocore.session
    from botocore.exceptions import ClientError
except ImportError as error:
    print("MISSING-BOTOCORE: " + str(error))
    sys.exit(3)

url = sys.argv[1]
session = botocore.session.get_session()
ec2 = session.create_client("ec2", region_name="eu-west-1", endpoint_url=url,
                            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
out = {}
images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}])["Images"]
out["imageNames"] = [i["Name"] for i in images]
run = ec2.run_instances(ImageId=images[0]["ImageId"], InstanceType="t3.micro", MinCount=3, MaxCount=3,
                        ClientToken="boto-1",
                        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "via", "Value": "botocore"}]}],
                        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 12, "VolumeType": "gp3"}}])
ids = [i["InstanceId"] for i in run["Instances"]]
out["runState"] = run["Instances"][0]["State"]["Name"]
out["launchTimeType"] = type(run["Instances"][0]["LaunchTime"]).__name__
for _ in range(100):
    reservations = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    states = [i["State"]["Name"] for r in reservations for i in r["Instances"]]
    if all(s == "running" for s in states):
        break
    time.sleep(0.05)
out["states"] = states
described = reservations[0]["Instances"][0]
out["tags"] = described["Tags"]
out["groups"] = [g["GroupName"] for g in described["SecurityGroups"]]
out["rootSize"] = ec2.describe_volumes(VolumeIds=[described["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]])["Volumes"][0]["Size"]
pages = ec2.get_paginator("describe_instances").paginate(
    Filters=[{"Name": "tag:via", "Values": ["botocore"]}], PaginationConfig={"PageSize": 5})
out["paged"] = sorted(i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]) == sorted(ids)
try:
    ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    out["error"] = None
except ClientError as error:
    out["error"] = [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    ec2.run_instances(ImageId=images[0]["ImageId"], MinCount=1, MaxCount=1, DryRun=True)
except ClientError as error:
    out["dryRun"] = error.response["Error"]["Code"]
template = ec2.create_launch_template(LaunchTemplateName="boto-lt", LaunchTemplateData={
    "ImageId": images[0]["ImageId"],
    "NetworkInterfaces": [{"DeviceIndex": 0, "Groups": ["sg-0123456789abcdef0"]}],
    "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "b"}]}]})
versions = ec2.describe_launch_template_versions(LaunchTemplateId=template["LaunchTemplate"]["LaunchTemplateId"])
data = versions["LaunchTemplateVersions"][0]["LaunchTemplateData"]
out["templateGroups"] = data["NetworkInterfaces"][0]["Groups"]
out["templateTags"] = data["TagSpecifications"][0]["Tags"]
out["regions"] = len(ec2.describe_regions()["Regions"]) > 5
out["zone"] = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
print(json.dumps(out))
`;

function runPython(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, url], {
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('botocore against the emulator', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ delays: { instancePending: 100 } });
  });
  afterAll(async () => t.close());

  it('describes images, runs and describes instances, pages and parses errors', async () => {
    if (!existsSync(PYTHON))
      throw new Error(
        `${PYTHON} is missing: install python3 and python3-botocore (apt-get install python3-botocore)`,
      );
    const result = await runPython(t.url);
    if (result.code === 3 || result.stdout.includes('MISSING-BOTOCORE')) {
      throw new Error('python3-botocore is not installed: apt-get install python3-botocore (CI installs it)');
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toEqual({
      imageNames: ['al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64'],
      runState: 'pending',
      launchTimeType: 'datetime',
      states: ['running', 'running', 'running'],
      tags: [{ Key: 'via', Value: 'botocore' }],
      groups: ['default'],
      rootSize: 12,
      paged: true,
      error: ['InvalidInstanceID.NotFound', 400],
      dryRun: 'DryRunOperation',
      templateGroups: ['sg-0123456789abcdef0'],
      templateTags: [{ Key: 'a', Value: 'b' }],
      regions: true,
      zone: 'eu-west-1a',
    });
  });
});
