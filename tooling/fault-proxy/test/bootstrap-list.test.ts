// A cluster's bootstrap list: connections to the proxy's bootstrap listener go round every node given, so a
// client can still bootstrap through the proxy while one node is dead.
import { createServer, connect, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startFaultProxy } from '../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function countingServer(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, accepted: () => accepted };
}

it('sends bootstrap connections round a comma-separated upstream list', async () => {
  const a = await countingServer();
  const b = await countingServer();
  const proxy = await startFaultProxy({
    upstream: `127.0.0.1:${a.port},127.0.0.1:${b.port}`,
    maxLifetimeMs: 10_000,
  });
  try {
    const [host, port] = proxy.bootstrap.split(':');
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect({ host: host as string, port: Number(port) });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    const until = Date.now() + 2_000;
    while (a.accepted() + b.accepted() < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect([a.accepted(), b.accepted()]).toEqual([2, 2]);
  } finally {
    await proxy.close();
  }
});
