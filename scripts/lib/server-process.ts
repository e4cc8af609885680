/**
 * A Brinkwatch server as a child process, as the benchmarks and the process tests start it: on
 * port 0 with a data folder of its own, resolved once it prints its dashboard URL. One module
 * for scripts/bench/cluster-nodes.ts, test/helpers/spawn-server.ts and test/cluster/cluster-nodes.ts
 * (which differ only in what they run, their environment and how hard they stop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LISTENING = /Brinkwatch dashboard: (http:\/\/\S+)/;

export interface ServerProcessOptions {
  /** Node's arguments: the bundle (`['--enable-source-maps', bundle]`) or the sources (`['--import', 'tsx', 'server/main.ts']`). */
  args: string[];
  /** What the process is called in errors (a node id, "server"). */
  name: string;
  /** Added to PATH, HOME, BRINKWATCH_PORT=0 and BRINKWATCH_DATA_DIR (a new temp folder unless given here). */
  env?: Record<string, string>;
  /** Prefix of the temp data folder's name. */
  dataDirPrefix?: string;
  timeoutMs?: number;
  /** After SIGTERM, SIGKILL this much later (ms); null: wait for the process however long it takes. */
  killAfterMs?: number | null;
  /** Removes the data folder once the process has exited on stop() (a folder the caller gave is never removed). */
  removeDataDir?: boolean;
  /** Called with the child as soon as it is spawned (e.g. to kill it when the caller exits). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ServerProcess {
  name: string;
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  alive(): boolean;
  /** SIGTERM (then SIGKILL after killAfterMs); resolves with the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const ownDir = opts.env?.BRINKWATCH_DATA_DIR === undefined;
  const dataDir = opts.env?.BRINKWATCH_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), opts.dataDirPrefix ?? `bw-${opts.name}-`));
  const child = spawn(process.execPath, opts.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), BRINKWATCH_PORT: '0', BRINKWATCH_DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onSpawn?.(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A child left running would keep the caller (a test process, the bench) alive for ever.
      child.kill('SIGKILL');
      reject(new Error(`${opts.name} did not start within ${timeoutMs} ms:\n${out.slice(-3000)}`));
    }, timeoutMs);
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code ?? signal}) before listening:\n${out.slice(-3000)}`));
    };
    const check = () => {
      const m = LISTENING.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', exited);
      resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    child.once('exit', exited);
  });
  const killAfterMs = opts.killAfterMs === undefined ? 10_000 : opts.killAfterMs;
  return {
    name: opts.name,
    url,
    dataDir,
    child,
    output: () => out,
    alive,
    stop: async () => {
      if (alive()) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const killer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        await exited;
        clearTimeout(killer);
      }
      if (opts.removeDataDir && ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
