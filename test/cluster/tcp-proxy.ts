import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can break the way networks break: refuse new
 * connections, cut the open ones (both ends see the close), or blackhole them (sockets stay open,
 * nothing gets through: a partition, as the client sees it).
 */
export interface TestProxy {
  port: number;
  mode(m: 'pass' | 'refuse' | 'blackhole'): void;
  /** Destroys every open connection, both sides. */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<TestProxy> {
  let current: 'pass' | 'refuse' | 'blackhole' = 'pass';
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (current === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (d: Buffer) => {
        if (current !== 'blackhole') to.write(d);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: address.port,
    mode: (m) => (current = m),
    cut,
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
