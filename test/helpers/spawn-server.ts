import type { ChildProcess } from 'node:child_process';
import { buildServer } from '../../scripts/build-server.ts';
import { startServerProcess as startProcess } from '../../scripts/lib/server-process.ts';

export { ROOT } from '../../scripts/lib/server-process.ts';

export interface RunningServer {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

let built: Promise<string> | null = null;
/** Builds the server bundle (`npm start`'s server/dist/brinkwatch.mjs) once per test process (about 100 ms). */
export function serverBundle(): Promise<string> {
  built ??= buildServer();
  return built;
}

/**
 * Starts the real server as a child process on port 0 with a temp data dir, exactly as
 * `npm start` runs it (the server/dist bundle, no TypeScript loader), and resolves once it
 * prints its URL (scripts/lib/server-process.ts).
 */
export async function startServerProcess(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunningServer> {
  const bundle = await serverBundle();
  const token = env.BRINKWATCH_API_TOKEN ?? 'test-token-0123456789abcdef';
  const server = await startProcess({
    name: 'server',
    args: ['--enable-source-maps', bundle],
    env: { BRINKWATCH_API_TOKEN: token, BRINKWATCH_LOG_LEVEL: 'warn', ...env },
    dataDirPrefix: 'brinkwatch-e2e-',
    timeoutMs,
    // main.ts exits by itself within 10 s of SIGTERM; past 15 s it is killed rather than left to hang the suite.
    killAfterMs: 15_000,
  });
  return { url: server.url, token, dataDir: server.dataDir, child: server.child, output: server.output, stop: server.stop };
}
