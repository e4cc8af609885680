/**
 * The export benchmark's server processes (export-bench.ts): the bundled export routes, the real
 * `npm start` server, and one download measured for rows, bytes, time, server CPU and memory.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, SERVER_BUNDLE } from '../build-server.ts';
import type { ChildMemory } from './export-bench-server.ts';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Server processes. The child (export-bench-server.ts) is bundled and run with plain node and
// the node flags of `npm start`, as users run the server; "tsx child" is how this benchmark ran
// it before (the TypeScript loader adds ~35 MB of RSS); "npm start server" is the real bundle
// (server/dist/brinkwatch.mjs, every job running) on the same database.

const ROOT = path.resolve(path.dirname(SELF), '..', '..');
export const SERVER_SOURCE = path.join(ROOT, 'scripts', 'bench', 'export-bench-server.ts');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'brinkwatch');

/** The node flags `npm start` passes (package.json "start"), so every child runs as users run it. */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const m = /\bnode ((?:--\S+ )*)server\/dist\/brinkwatch\.mjs/.exec(pkg.scripts.start ?? '');
  if (!m) throw new Error('package.json "start" does not run node server/dist/brinkwatch.mjs');
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

/**
 * Bundles the bench server child with the options of scripts/build-server.ts. Written under
 * node_modules/.cache/brinkwatch so that projectRoot() still finds the repository by walking up.
 */
export async function bundleBenchServer(): Promise<string> {
  return buildServer(path.join(CACHE_DIR, 'export-bench-server.mjs'), SERVER_SOURCE);
}

export interface ServerUnderTest {
  label: string;
  pid: number;
  port: number;
  /** V8 heap vs native, when the process can be asked (the bench child; not the real server). */
  memory?: () => Promise<ChildMemory>;
  /** Ends the process (idempotent) and resolves once it has exited. */
  stop: () => Promise<void>;
}

function stopChild(child: ChildProcess, end: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  end();
  return exited;
}

export async function startBenchChild(label: string, entry: string, execArgv: string[], dbFile: string): Promise<ServerUnderTest> {
  const child = fork(entry, [dbFile], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { label, pid: child.pid!, port, memory: () => askMemory(child), stop: () => stopChild(child, () => child.connected && child.disconnect()) };
}

/** The real server as `npm start` runs it, on a data dir holding the generated database as brinkwatch.db. */
export async function startRealServer(dataDir: string, flags: string[]): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [...flags, SERVER_BUNDLE], {
    cwd: ROOT,
    env: {
      ...process.env,
      BRINKWATCH_DATA_DIR: dataDir,
      BRINKWATCH_DEMO: 'off',
      BRINKWATCH_PORT: '0',
      BRINKWATCH_EXPORT_MAX_DAYS: '3650',
      BRINKWATCH_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /Brinkwatch dashboard: http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  child.stdout!.resume();
  return { label: 'npm start server', pid: child.pid!, port, stop: () => stopChild(child, () => child.kill('SIGTERM')) };
}


/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}


function askMemory(child: ChildProcess): Promise<ChildMemory> {
  return new Promise((resolve) => {
    const onMessage = (m: { memory?: ChildMemory }) => {
      if (!m.memory) return;
      child.off('message', onMessage);
      resolve(m.memory);
    };
    child.on('message', onMessage);
    child.send('memory');
  });
}

export const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
export const describeMemory = (m: ChildMemory) =>
  `RSS ${mb(m.rss)} = V8 heap ${mb(m.heapTotal)} (young ${mb(m.newSpace)}, old ${mb(m.oldSpace)}, used ${mb(m.heapUsed)}) + native/code ${mb(m.rss - m.heapTotal)}`;

export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

export interface HttpRun {
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time the server used for this export: rows / cpuSeconds is the rate without other load. */
  serverCpuSeconds: number;
  /** Peak sampled RSS per quarter of the download time, MB. */
  quarters: number[];
  peakSampledMb: number;
  hwmMb: number;
}

/** Downloads one export, counting bytes and record ends, while sampling the server's memory. */
export function download(port: number, urlPath: string, pid: number): Promise<HttpRun> {
  return new Promise((resolve, reject) => {
    let peak = 0;
    const samples: number[] = [];
    const sampler = setInterval(() => {
      const rss = memoryOf(pid).rssMb;
      samples.push(rss);
      peak = Math.max(peak, rss);
    }, 20);
    const started = performance.now();
    const cpuBefore = cpuSecondsOf(pid);
    http
      .get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} for ${urlPath}`));
        let bytes = 0;
        let records = 0;
        let prevCR = false;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Generated texts hold \n but never \r\n, so CRLF count = records.
          if (prevCR && chunk[0] === 0x0a) records++;
          let i = chunk.indexOf(0x0d);
          while (i !== -1) {
            if (chunk[i + 1] === 0x0a) records++;
            i = chunk.indexOf(0x0d, i + 1);
          }
          prevCR = chunk[chunk.length - 1] === 0x0d;
        });
        res.on('end', () => {
          clearInterval(sampler);
          const seconds = (performance.now() - started) / 1000;
          const mem = memoryOf(pid);
          const serverCpuSeconds = cpuSecondsOf(pid) - cpuBefore;
          // Highest RSS in each quarter of the download: flat memory means no upward trend.
          const q = Math.max(1, Math.floor(samples.length / 4));
          const quarters = [0, 1, 2, 3].map((k) => Math.max(...samples.slice(k * q, k === 3 ? undefined : (k + 1) * q), 0));
          resolve({ rows: records - 1, bytes, seconds, serverCpuSeconds, quarters, peakSampledMb: Math.max(peak, mem.rssMb), hwmMb: mem.hwmMb });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
