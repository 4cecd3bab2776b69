import { describe, expect, it } from 'vitest';
import { type Address, eipTagKeys } from '../jobs/eip-cleanup/plan';
import { attachRefusal, priceText, releaseRefusal } from './policy';

const keys = eipTagKeys('ec2ops:');
const idle = (tags: Record<string, string> = {}): Address => ({
  allocationId: 'eipalloc-0123456789abcdef0',
  publicIp: '198.51.100.7',
  tags,
});
const operator = { id: 'UOP', role: 'operator' as const };
const admin = { id: 'UAD', role: 'admin' as const };

describe('releasing an address by hand', () => {
  it('releases nothing that is associated, for anyone', () => {
    const associated = { ...idle({ 'ec2ops:owner': 'UOP' }), associationId: 'eipassoc-1', instanceId: 'i-1' };
    expect(releaseRefusal(associated, 'us-east-1', admin, keys)?.code).toBe('eip.associated');
    expect(releaseRefusal(associated, 'us-east-1', operator, keys)?.code).toBe('eip.associated');
  });

  it('releases nothing tagged keep=true, whatever the case of the value', () => {
    expect(releaseRefusal(idle({ 'ec2ops:keep': 'TRUE' }), 'us-east-1', admin, keys)?.code).toBe('eip.kept');
  });

  it("lets an operator release only their own, and an admin anyone's", () => {
    expect(releaseRefusal(idle({ 'ec2ops:owner': 'UOP' }), 'us-east-1', operator, keys)).toBeUndefined();
    expect(releaseRefusal(idle({ 'ec2ops:owner': 'UX' }), 'us-east-1', operator, keys)?.code).toBe(
      'eip.not-yours',
    );
    expect(releaseRefusal(idle(), 'us-east-1', operator, keys)?.message).toContain('only an admin');
    expect(releaseRefusal(idle({ 'ec2ops:owner': 'UX' }), 'us-east-1', admin, keys)).toBeUndefined();
  });
});

describe('attaching an address', () => {
  const box = (state: string, tags: Record<string, string>) => ({ id: 'i-1', state, tags });
  it('lets owners attach to their managed instances and admins to any', () => {
    const mine = box('running', { 'ec2ops:managed': 'true', 'ec2ops:owner': 'UOP' });
    expect(attachRefusal(mine, operator, keys)).toBeUndefined();
    expect(
      attachRefusal(box('stopped', { 'ec2ops:managed': 'true', 'ec2ops:owner': 'UX' }), admin, keys),
    ).toBeUndefined();
    expect(attachRefusal(box('stopped', {}), admin, keys)?.code).toBe('eip.instance-not-managed');
    expect(attachRefusal(box('running', {}), operator, keys)?.code).toBe('eip.instance-not-managed');
    expect(
      attachRefusal(box('running', { 'ec2ops:managed': 'true', 'ec2ops:owner': 'UX' }), operator, keys)?.code,
    ).toBe('eip.instance-not-yours');
  });

  it('refuses terminated instances and ones between states', () => {
    expect(attachRefusal(box('terminated', {}), admin, keys)?.code).toBe('eip.instance-terminated');
    expect(attachRefusal(box('pending', { 'ec2ops:managed': 'true' }), admin, keys)?.code).toBe(
      'eip.instance-state',
    );
  });

  it('says the price per hour and per 730-hour month', () => {
    expect(priceText(0.005)).toBe('$0.005/hour ≈ $3.65/month');
  });
});
