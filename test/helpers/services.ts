import net from 'node:net';

/**
 * Whether the PostgreSQL and Redis servers the multi-node tests need are reachable. Outside CI a
 * test skips with the reason when one is not; with BRINKWATCH_REQUIRE_SERVICES=1 (.ci/run sets it)
 * a missing server is a failure instead.
 */
export const REQUIRE_SERVICES = process.env.BRINKWATCH_REQUIRE_SERVICES === '1';

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

export const POSTGRES_URL = process.env.BRINKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BRINKWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A reason to skip, or null when the server answers. Throws under BRINKWATCH_REQUIRE_SERVICES=1. */
export async function serviceMissing(kind: 'postgres' | 'redis'): Promise<string | null> {
  const url = kind === 'postgres' ? POSTGRES_URL : REDIS_URL;
  const { host, port } = hostPort(url, kind === 'postgres' ? 5432 : 6379);
  if (await reachable(host, port)) return null;
  const reason = `${kind === 'postgres' ? 'PostgreSQL' : 'Redis'} not reachable at ${host}:${port}`;
  if (REQUIRE_SERVICES) throw new Error(`${reason}, and BRINKWATCH_REQUIRE_SERVICES=1 makes it mandatory`);
  return reason;
}
