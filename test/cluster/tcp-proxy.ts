import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can break the way networks break: refuse new
 * connections, cut the open ones (both ends see the close), blackhole them (sockets stay open,
 * nothing gets through: a partition, as the client sees it), or delay them (everything gets
 * through, in order, `delayMs` late: a loaded machine).
 */
export interface TestProxy {
  port: number;
  mode(m: 'pass' | 'refuse' | 'blackhole' | 'delay', delayMs?: number): void;
  /** Destroys every open connection, both sides. */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<TestProxy> {
  let current: 'pass' | 'refuse' | 'blackhole' | 'delay' = 'pass';
  let delayMs = 0;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (current === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) => {
      // Held chunks leave in order, each at its time: one queue and one timer per direction.
      const held: Array<{ at: number; d: Buffer }> = [];
      let timer: NodeJS.Timeout | null = null;
      const drain = () => {
        timer = null;
        while (held.length > 0 && held[0]!.at <= Date.now()) {
          const { d } = held.shift()!;
          if (!to.destroyed) to.write(d);
        }
        if (held.length > 0) timer = setTimeout(drain, held[0]!.at - Date.now());
      };
      from.on('data', (d: Buffer) => {
        if (current === 'blackhole') return;
        if (current !== 'delay' && held.length === 0) {
          to.write(d);
          return;
        }
        held.push({ at: Math.max(Date.now() + (current === 'delay' ? delayMs : 0), held.at(-1)?.at ?? 0), d });
        if (!timer) drain();
      });
    };
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
    mode: (m, ms = 0) => {
      current = m;
      delayMs = ms;
    },
    cut,
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
