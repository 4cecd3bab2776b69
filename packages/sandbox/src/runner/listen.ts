import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '@ec2ops/core/errors';

export interface Listening {
  port: number;
  /** Set when the wanted port was busy and another one was taken instead. */
  fallbackFrom?: number;
}

function tryListen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Listens on `port`. When it is taken: with `fallback` (the default port, nobody asked for it)
 * takes any free port and reports which; otherwise fails with a message that says what to do.
 */
export async function listen(
  server: Server,
  port: number,
  host: string,
  fallback: boolean,
): Promise<Listening> {
  try {
    return { port: await tryListen(server, port, host) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (!fallback) {
      throw new InputError('sandbox.port-in-use', `Port ${port} on ${host} is already in use.`, {
        hint: `Stop what is using it, or pick another port: ec2ops sandbox --port ${port + 1} (or --port 0 for any free port).`,
      });
    }
    return { port: await tryListen(server, 0, host), fallbackFrom: port };
  }
}
