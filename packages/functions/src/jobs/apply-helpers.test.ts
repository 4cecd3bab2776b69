import { EC2ServiceException } from '@aws-sdk/client-ec2';
import type { PlanItem } from '@ec2ops/core/jobs';
import { describe, expect, it } from 'vitest';
import { settle } from './apply-helpers';

const item: PlanItem = {
  id: 'eipalloc-1',
  region: 'us-east-1',
  action: 'release',
  resource: 'r',
  reason: 'x',
  data: {},
};

describe('apply helpers', () => {
  it('turns one item’s exception into that item’s failure', async () => {
    const error = Object.assign(new Error('PTR set'), { name: 'InvalidAddress.PtrSet' });
    const result = await settle(item, () => Promise.reject(error));
    expect(result.outcome).toEqual({
      status: 'failed',
      code: 'InvalidAddress.PtrSet',
      message: expect.stringMatching(/^cannot release: PTR set, do /),
    });
  });

  it('says a throttled item is retried next run', async () => {
    const error = new EC2ServiceException({
      name: 'RequestLimitExceeded',
      message: 'slow down',
      $fault: 'client',
      $metadata: { httpStatusCode: 503 },
    });
    const result = await settle(item, () => Promise.reject(error));
    expect(result.outcome).toMatchObject({
      status: 'failed',
      code: 'RequestLimitExceeded',
      message: expect.stringContaining('next run'),
    });
  });
});
