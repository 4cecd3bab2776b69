import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from './listen';

const servers: Server[] = [];
const server = () => {
  const s = createServer();
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function busyPort(): Promise<number> {
  const s = server();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

describe('listen', () => {
  it('takes a free port instead of a busy default one, and says which it wanted', async () => {
    const busy = await busyPort();
    const result = await listen(server(), busy, '127.0.0.1', true);
    expect(result.fallbackFrom).toBe(busy);
    expect(result.port).not.toBe(busy);
    expect(result.port).toBeGreaterThan(0);
  });

  it('refuses a busy port the person asked for, with a way out', async () => {
    const busy = await busyPort();
    await expect(listen(server(), busy, '127.0.0.1', false)).rejects.toMatchObject({
      code: 'sandbox.port-in-use',
      hint: expect.stringContaining('--port'),
    });
  });

  it('listens on a free port as asked', async () => {
    const result = await listen(server(), 0, '127.0.0.1', false);
    expect(result.fallbackFrom).toBeUndefined();
    expect(result.port).toBeGreaterThan(0);
  });
});
