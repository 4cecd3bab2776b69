import { commandMetric } from '@ec2ops/core/telemetry';
import { describe, expect, it } from 'vitest';
import { captureOutput, parseEmf } from '../../../../test/telemetry/emf';
import { createMeter } from './meter';

describe('the meter', () => {
  it('writes one EMF document per dimension set, with stage as the only default dimension', async () => {
    const meter = createMeter({ EC2OPS_METRICS: 'emf' }, 'dev');
    const { lines } = await captureOutput(async () =>
      meter.emit([
        commandMetric('launch', 'ok'),
        { name: 'JobHeartbeat', value: 1, dimensions: { job: 'port-sweep' } },
        { name: 'Ec2Calls', value: 7, dimensions: { job: 'port-sweep' } },
      ]),
    );
    expect(lines).toHaveLength(2);
    const values = parseEmf(lines);
    expect(values.map((v) => [v.name, v.value, v.dimensions])).toEqual([
      ['Commands', 1, { stage: 'dev', command: 'launch', outcome: 'ok' }],
      ['JobHeartbeat', 1, { stage: 'dev', job: 'port-sweep' }],
      ['Ec2Calls', 7, { stage: 'dev', job: 'port-sweep' }],
    ]);
  });

  it('writes nothing when switched off, or when logs are silent', async () => {
    for (const env of [{ EC2OPS_METRICS: 'off' }, { LOG_LEVEL: 'silent' }]) {
      const { lines } = await captureOutput(async () =>
        createMeter(env, 'dev').emit([commandMetric('help', 'ok')]),
      );
      expect(lines, JSON.stringify(env)).toEqual([]);
    }
  });
});
