import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_BUNDLE } from '../../scripts/build-server.ts';
import { nodeBundleBuilt } from './build-cache.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningServer {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
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
 * prints its URL.
 */
export async function startServerProcess(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunningServer> {
  const bundle = await serverBundle();
  const dataDir = env.BRINKWATCH_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-e2e-'));
  const token = env.BRINKWATCH_API_TOKEN ?? 'test-token-0123456789abcdef';
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      BRINKWATCH_PORT: '0',
      BRINKWATCH_DATA_DIR: dataDir,
      BRINKWATCH_API_TOKEN: token,
      BRINKWATCH_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A child left running keeps this test process (and so the whole suite) alive forever.
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = /Brinkwatch dashboard: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    token,
    dataDir,
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
