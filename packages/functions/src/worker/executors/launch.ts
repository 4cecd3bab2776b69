import { InputError } from '@ec2ops/core';
import type { ErrorCode } from '@ec2ops/core/error-codes';
import type { InstanceTagKeys, InstanceView } from '@ec2ops/core/instances';
import {
  architectureMismatch,
  checkCount,
  checkType,
  defaultName,
  expiresAt,
  instanceTagKeys,
  launchMessage,
  launchTags,
  readLaunchArgs,
  resolveSubnet,
  resolveTtl,
  runInstancesRequest,
} from '@ec2ops/core/instances';
import { holdLaunch } from '../../coordination/launch-limit';
import { awsErrorCode, awsErrorMessage } from '../../ec2/errors';
import { describeInstanceViews, runInstances, waitForRunning } from '../../ec2/instances';
import { architectureOf, resolveImage } from '../../ec2/launch-images';
import type { Executor, ExecutorContext } from '../context';

/**
 * `/ec2 launch`: refuse what policy refuses before any change, launch once per request
 * (ClientToken = the request's idempotency token), answer, then update the answer when the
 * instances run — within a bounded wait, so the worker stays inside its timeout.
 */
export const launch: Executor = async (ctx) => {
  const { request, config } = ctx;
  const settings = config.launch;
  const keys = instanceTagKeys(config.tagPrefix);
  const args = readLaunchArgs(request.args);
  if (!args.image) {
    throw new InputError('launch.image-missing', 'Which image? `/ec2 launch <image>`.', {
      hint: 'Type `/ec2 launch` alone for a form with the approved images.',
    });
  }
  checkCount(args.count, settings);
  const ttl = resolveTtl(args.ttl, settings);
  const subnetId = resolveSubnet(args.subnet, settings);
  const approved = request.approval !== undefined;
  const requestedType = args.type ? checkType(args.type, request.user.role, approved, settings) : undefined;

  const region = ctx.ec2.regions[0]!;
  const client = ctx.ec2.client(region);
  const token = ctx.idempotencyToken('launch');

  // A redelivered message or a second approval: report what this request launched already.
  const earlier = await describeInstanceViews(client, region, [{ Name: 'client-token', Values: [token] }]);
  if (earlier.length) return alreadyLaunched(ctx, earlier, region, keys);

  const typeArchitecture = requestedType
    ? await architectureOf(client, requestedType.name, request.user.role, settings)
    : undefined;
  const image = await resolveImage(client, args.image, typeArchitecture, config, {
    admin: request.user.role === 'admin',
    now: ctx.clock.now().getTime(),
  });
  const architecture = image.view.architecture === 'arm64' ? 'arm64' : 'x86_64';
  const type = requestedType?.name ?? settings.types.default[architecture];
  if (typeArchitecture && image.view.architecture && typeArchitecture !== image.view.architecture) {
    throw architectureMismatch(image.view, type, typeArchitecture);
  }
  if (!requestedType) checkType(type, request.user.role, true, settings);

  const held = await holdLaunch(ctx, args.count, keys);

  const expiry = expiresAt(request, ttl);
  const tags = launchTags(
    {
      name: args.name ?? defaultName(request.user, image.alias ?? image.view.name ?? image.view.id),
      owner: request.user.id,
      expiresAt: expiry,
      stage: config.stage,
      requestId: request.id,
      alias: image.alias,
    },
    keys,
  );
  const input = runInstancesRequest(
    {
      imageId: image.view.id,
      rootDeviceName: image.view.rootDeviceName ?? '/dev/xvda',
      imageRootGiB: image.view.rootGiB,
      type,
      count: args.count,
      subnetId,
      clientToken: token,
      tags,
    },
    settings,
  );
  let launched: InstanceView[];
  try {
    launched = await runInstances(client, region, input);
  } catch (error) {
    if (awsErrorCode(error) === 'IdempotentParameterMismatch') {
      const again = await describeInstanceViews(client, region, [{ Name: 'client-token', Values: [token] }]);
      if (again.length) return alreadyLaunched(ctx, again, region, keys);
    }
    await held.failed();
    throw explainLaunchFailure(error);
  }
  await held.launched(launched.map((i) => i.id));
  const summary = {
    region,
    image: { id: image.view.id, name: image.view.name, alias: image.alias },
    type,
    expiresAt: expiry,
    requestId: request.id,
  };
  ctx.logger.info({ instances: launched.map((i) => i.id), type, image: image.view.id }, 'launched');
  if (settings.waitSeconds === 0)
    return launchMessage({ ...summary, status: 'launching', instances: launched });
  await ctx.slack.respond(request, launchMessage({ ...summary, status: 'launching', instances: launched }));
  const { status, instances } = await waitForRunning(client, region, launched, {
    maxWaitMs: settings.waitSeconds * 1000,
    pollMs: ctx.pollIntervalMs ?? POLL_MS,
  });
  return launchMessage({ ...summary, status, instances });
};

async function alreadyLaunched(
  ctx: ExecutorContext,
  instances: InstanceView[],
  region: string,
  keys: InstanceTagKeys,
) {
  const first = instances[0]!;
  return launchMessage({
    status: 'already',
    region,
    instances,
    image: { id: first.imageId ?? '?', alias: first.tags[keys.imageAlias] },
    type: first.type ?? '?',
    expiresAt: first.tags[keys.expiresAt] ?? '?',
    requestId: ctx.request.id,
  });
}

const POLL_MS = 1000;

/** EC2 refusals a person can act on become InputErrors; anything else is retried by the worker. */
function explainLaunchFailure(error: unknown): unknown {
  const code = awsErrorCode(error);
  const message = awsErrorMessage(error);
  // Each refusal keeps its own stable code (`launch.ec2-<EC2 code>`), listed in the catalog.
  const known: Record<string, [ErrorCode, string]> = {
    InsufficientInstanceCapacity: [
      'launch.ec2-InsufficientInstanceCapacity',
      'AWS has no capacity for this type in the zone right now; try another type or later.',
    ],
    InstanceLimitExceeded: [
      'launch.ec2-InstanceLimitExceeded',
      'The account’s instance limit is reached; ask an admin to raise the quota.',
    ],
    VcpuLimitExceeded: [
      'launch.ec2-VcpuLimitExceeded',
      'The account’s vCPU limit is reached; ask an admin to raise the quota.',
    ],
    InsufficientFreeAddressesInSubnet: [
      'launch.ec2-InsufficientFreeAddressesInSubnet',
      'The subnet has no free addresses; pick another subnet.',
    ],
    'InvalidSubnetID.NotFound': [
      'launch.ec2-InvalidSubnetID.NotFound',
      'The subnet does not exist in this region.',
    ],
    'InvalidGroup.NotFound': [
      'launch.ec2-InvalidGroup.NotFound',
      'A security group of the stage config does not exist.',
    ],
    'InvalidKeyPair.NotFound': [
      'launch.ec2-InvalidKeyPair.NotFound',
      'The key pair of the stage config does not exist.',
    ],
    InvalidParameterCombination: [
      'launch.ec2-InvalidParameterCombination',
      'EC2 refused this combination of settings.',
    ],
    InvalidParameter: ['launch.ec2-InvalidParameter', 'EC2 refused a setting.'],
    Unsupported: ['launch.ec2-Unsupported', 'This type is not offered in this zone.'],
    UnauthorizedOperation: ['launch.ec2-UnauthorizedOperation', 'ec2ops’s role may not launch this (IAM).'],
  };
  const refusal = known[code];
  if (!refusal) return error;
  const [refusalCode, hint] = refusal;
  return new InputError(refusalCode, `EC2 refused the launch: ${message}`, { hint, cause: error });
}
