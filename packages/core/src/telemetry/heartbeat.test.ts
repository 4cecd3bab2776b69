import { describe, expect, it } from 'vitest';
import { heartbeatWindow } from './heartbeat';

describe('the heartbeat window of a job: two schedule periods', () => {
  it('is two periods of the rate, never shorter than five minutes', () => {
    expect(heartbeatWindow('rate(1 hour)')).toEqual({ periodSeconds: 3600, evaluationPeriods: 2 });
    expect(heartbeatWindow('rate(15 minutes)')).toEqual({ periodSeconds: 900, evaluationPeriods: 2 });
    expect(heartbeatWindow('rate(1 minute)')).toEqual({ periodSeconds: 300, evaluationPeriods: 2 });
  });

  it("takes a cron's longest gap: nightly is a day, weekdays only is the weekend", () => {
    expect(heartbeatWindow('cron(0 3 * * ? *)')).toEqual({ periodSeconds: 86_400, evaluationPeriods: 2 });
    expect(heartbeatWindow('cron(0 3 ? * MON-FRI *)')).toEqual({
      periodSeconds: 3 * 86_400,
      evaluationPeriods: 2,
    });
  });

  it("stays within CloudWatch's seven-day evaluation limit", () => {
    const weekly = heartbeatWindow('cron(0 3 ? * SUN *)');
    expect(weekly.periodSeconds * weekly.evaluationPeriods).toBeLessThanOrEqual(7 * 86_400);
  });
});
