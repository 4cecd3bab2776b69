import type { Ec2Store } from '../ec2/store';
import { escapeXml } from '../ec2/xml';
import {
  AutoScalingError,
  createLaunchConfiguration,
  deleteLaunchConfiguration,
  describeLaunchConfigurations,
  type LaunchConfigurationRecord,
} from './launch-configurations';

/**
 * The emulator's Auto Scaling subset (query protocol, botocore's autoscaling 2011-01-01 model),
 * served on the EC2 emulator's port: a request is Auto Scaling's when its form says
 * `Version=2011-01-01` (EC2's is 2016-11-15), so `AWS_ENDPOINT_URL_AUTO_SCALING` may name the
 * same URL as `AWS_ENDPOINT_URL_EC2`. Launch configurations only: Create, Delete and a paged
 * Describe, each IAM-checked as `autoscaling:<Action>` when the emulator enforces policies.
 */
export const AUTO_SCALING_VERSION = '2011-01-01';
const NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface AutoScalingRequest {
  store: Ec2Store;
  region: string;
  params: URLSearchParams;
  requestId: string;
  /** The caller's policy: may it call this action? Absent: every caller may. */
  authorize?: ((action: string, resource: string) => boolean) | undefined;
}

const tag = (name: string, value: string | number | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

function memberXml(c: LaunchConfigurationRecord, arn: string): string {
  return (
    '<member>' +
    tag('LaunchConfigurationName', c.id) +
    tag('LaunchConfigurationARN', arn) +
    tag('ImageId', c.imageId) +
    tag('InstanceType', c.instanceType) +
    tag('KeyName', c.keyName) +
    `<SecurityGroups>${c.securityGroups.map((g) => tag('member', g)).join('')}</SecurityGroups>` +
    '<BlockDeviceMappings/>' +
    '<InstanceMonitoring><Enabled>true</Enabled></InstanceMonitoring>' +
    tag('CreatedTime', new Date(c.createdTime).toISOString()) +
    '</member>'
  );
}

function response(action: string, requestId: string, result?: string): string {
  const body = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return (
    `${DECLARATION}<${action}Response xmlns="${NAMESPACE}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function autoScalingErrorXml(error: AutoScalingError, requestId: string): string {
  return (
    `${DECLARATION}<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function arnOf(region: string, accountId: string, name: string): string {
  return `arn:aws:autoscaling:${region}:${accountId}:launchConfiguration:00000000-0000-0000-0000-000000000000:launchConfigurationName/${name}`;
}

export function handleAutoScaling(request: AutoScalingRequest): { status: number; body: string } {
  const { store, region, params, requestId } = request;
  const action = params.get('Action') ?? '';
  try {
    const name = params.get('LaunchConfigurationName');
    const resource = name ? arnOf(region, store.accountId, name) : '*';
    const known = ['DescribeLaunchConfigurations', 'CreateLaunchConfiguration', 'DeleteLaunchConfiguration'];
    if (!known.includes(action)) {
      throw new AutoScalingError(
        'InvalidAction',
        `The action ${action || '(none)'} is not valid for this web service.`,
      );
    }
    if (request.authorize && !request.authorize(`autoscaling:${action}`, resource)) {
      throw new AutoScalingError(
        'AccessDenied',
        `User is not authorized to perform: autoscaling:${action} on resource: ${resource}`,
        403,
      );
    }
    const state = store.region(region);
    if (action === 'CreateLaunchConfiguration') {
      createLaunchConfiguration(state, params, store.clock.now());
      return { status: 200, body: response(action, requestId) };
    }
    if (action === 'DeleteLaunchConfiguration') {
      deleteLaunchConfiguration(state, params);
      return { status: 200, body: response(action, requestId) };
    }
    const { page, nextToken } = describeLaunchConfigurations(state, params);
    const members = page.map((c) => memberXml(c, arnOf(region, store.accountId, c.id))).join('');
    return {
      status: 200,
      body: response(
        action,
        requestId,
        `<LaunchConfigurations>${members}</LaunchConfigurations>${tag('NextToken', nextToken)}`,
      ),
    };
  } catch (error) {
    if (!(error instanceof AutoScalingError)) throw error;
    return { status: error.status, body: autoScalingErrorXml(error, requestId) };
  }
}
