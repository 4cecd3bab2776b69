import { describe, expect, it } from 'vitest';
import { parseStageConfig } from '../../config/schema';
import { COMMANDS } from '../index';
import { parseCommand, parseFormValues } from '../parse';
import { CommandRegistry } from '../registry';
import { launch } from './launch';

const registry = new CommandRegistry(COMMANDS);
const config = parseStageConfig({
  stage: 'test',
  launch: { maxTtl: '1d', images: { aliases: { al2023: { owner: 'amazon', name: 'al2023-*' } } } },
});

describe('/ec2 launch grammar', () => {
  it('reads image, type, name, count, ttl and subnet', () => {
    expect(
      parseCommand('launch al2023 type=t3.small name=web-1 count=2 ttl=4h subnet=private-a', registry),
    ).toEqual({
      command: 'launch',
      args: {
        image: 'al2023',
        type: 't3.small',
        name: 'web-1',
        count: 2,
        ttl: 4 * 3_600_000,
        subnet: 'private-a',
      },
    });
  });

  it('refuses a malformed count, ttl or name before anything is queued', () => {
    expect(() => parseCommand('launch al2023 count=0', registry)).toThrow(/at least 1/);
    expect(() => parseCommand('launch al2023 ttl=forever', registry)).toThrow(/duration/);
    expect(() => parseCommand('launch al2023 name="two words"', registry)).toThrow(/name/);
  });

  it('opens the modal only without arguments', () => {
    expect(launch.modal!.opensWhen(parseCommand('launch', registry))).toBe(true);
    expect(launch.modal!.opensWhen(parseCommand('launch al2023', registry))).toBe(false);
    expect(launch.modal!.opensWhen(parseCommand('launch type=t3.small', registry))).toBe(false);
  });

  it('offers the approved aliases, the types the role may launch and TTLs within the maximum', () => {
    const view = launch.modal!.build({ user: { id: 'UOPERATOR', role: 'operator' }, config, channel: 'C1' });
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('"value":"al2023"');
    expect(json).toContain('"value":"t3.small"');
    expect(json).not.toContain('"value":"m7i.xlarge"');
    expect(json).toContain('"value":"1d"');
    expect(json).not.toContain('"value":"3d"');
  });

  it('turns the submitted form into the same values as the typed command', () => {
    const values = launch.modal!.toValues({ image: 'al2023', type: 't3.small', name: 'web', ttl: '4h' });
    expect(parseFormValues(launch, values, registry).args).toEqual(
      parseCommand('launch al2023 type=t3.small name=web ttl=4h', registry).args,
    );
  });

  it('takes each form value as a value: quotes and key= inside it cannot add options', () => {
    for (const name of ['modalsmug” count=“3', 'x" count="3', "x' count='3"]) {
      const values = launch.modal!.toValues({ image: 'al2023', type: 't3.small', name, ttl: '4h' });
      expect(() => parseFormValues(launch, values, registry)).toThrow(/name= must be|name must be/);
    }
    const values = launch.modal!.toValues({ image: 'al2023', type: 't3.small', ttl: '4h' });
    expect(parseFormValues(launch, values, registry).args['count']).toBeUndefined();
  });
});
