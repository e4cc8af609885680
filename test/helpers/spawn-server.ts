import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_BUNDLE } from '../../scripts/build-server.ts';
import { ROOT, startServerProcess as startProcess } from '../../scripts/lib/server-process.ts';
import { nodeBundleBuilt } from './build-cache.ts';

export { ROOT };

export interface RunningServer {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Temp data folders this helper made, removed when the test process exits (not at stop():
 * tests read a stopped server's files, e.g. its database after a restart or a backup).
 */
const ownDirs: string[] = [];
function ownDataDir(): string {
  if (ownDirs.length === 0) process.once('exit', () => ownDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-e2e-'));
  ownDirs.push(dir);
  return dir;
}

let built: Promise<string> | null = null;
/** The server bundle (`npm start`'s server/dist/brinkwatch.mjs), built once for all test files while its sources do not change (test/helpers/build-cache.ts). */
export function serverBundle(): Promise<string> {
  built ??= nodeBundleBuilt(SERVER_BUNDLE, path.join(ROOT, 'server', 'main.ts'));
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
  const dataDir = env.BRINKWATCH_DATA_DIR ?? ownDataDir();
  const server = await startProcess({
    name: 'server',
    args: ['--enable-source-maps', bundle],
    env: { BRINKWATCH_API_TOKEN: token, BRINKWATCH_LOG_LEVEL: 'warn', ...env, BRINKWATCH_DATA_DIR: dataDir },
    timeoutMs,
    // main.ts exits by itself within 10 s of SIGTERM; past 15 s it is killed rather than left to hang the suite.
    killAfterMs: 15_000,
  });
  return { url: server.url, token, dataDir: server.dataDir, child: server.child, output: server.output, stop: server.stop };
}
