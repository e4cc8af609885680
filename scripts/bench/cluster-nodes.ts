/**
 * What the cluster benchmark (scripts/bench/cluster-bench.ts) runs its configurations on: real
 * server processes (the server/dist bundle `npm start` runs) on ports of their own, a PostgreSQL
 * database of its own (created, then dropped), and a private redis-server on a port of its own,
 * so that a run never hears another run's pushes on the shared Redis (pub/sub ignores database
 * numbers) and never counts another run's statements.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { adminClient, createScratchDatabase, type ScratchDatabase } from '../lib/pg-scratch.ts';
import { startServerProcess } from '../lib/server-process.ts';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/**
 * Every process this bench started and has not stopped: killed when the bench exits for any
 * reason (an error, Ctrl-C), so that no server or redis-server outlives it, and its data dir removed. On Ctrl-C the
 * databases not yet dropped are dropped too (within 5 s; past that they stay, named
 * bw_cluster_bench_*).
 */
const started = new Set<ChildProcess>();
const databases = new Set<() => Promise<void>>();
export function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}
const dataDirs = new Set<string>();
const killAll = () => {
  for (const child of started) child.kill('SIGKILL');
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
};
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    const giveUp = new Promise((r) => setTimeout(r, 5000).unref());
    void Promise.race([Promise.allSettled([...databases].map((drop) => drop())), giveUp]).then(() => process.exit(130));
  });
}

export interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the server bundle on port 0 with a temp data dir and resolves with the URL it prints
 * (scripts/lib/server-process.ts). Demo data off (a bench counts only its own statements), write
 * and read limits off (one client address posts everything), logs at warn.
 */
export async function startNode(bundle: string, name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Node> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bw-cluster-bench-${name}-`));
  dataDirs.add(dataDir);
  const node = await startServerProcess({
    name: `node ${name}`,
    args: ['--enable-source-maps', bundle],
    env: {
      BRINKWATCH_DATA_DIR: dataDir,
      BRINKWATCH_API_TOKEN: BENCH_TOKEN,
      BRINKWATCH_DEMO: 'off',
      BRINKWATCH_WRITE_RATE_LIMIT: '0',
      BRINKWATCH_READ_RATE_LIMIT: '0',
      BRINKWATCH_HEALTH_MIN_FREE_MB: '0',
      BRINKWATCH_LOG_LEVEL: 'warn',
      BRINKWATCH_NODE_ID: name,
      ...env,
    },
    timeoutMs,
    // A clean stop takes well under 10 s (main.ts forces exit after 10 s); past 15 s it is killed.
    killAfterMs: 15_000,
    onSpawn: track,
  });
  return {
    name,
    url: node.url,
    child: node.child,
    dataDir,
    output: node.output,
    stop: async () => {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}

export interface BenchDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** A PostgreSQL database of this run's own (scripts/lib/pg-scratch.ts); throws with the reason when the server cannot be reached. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let db: ScratchDatabase;
  try {
    db = await createScratchDatabase('bw_cluster_bench_', 5000);
  } catch (err) {
    throw new Error(`${(err as Error).message}: set BRINKWATCH_TEST_DATABASE_URL or start it`);
  }
  const drop = async () => {
    databases.delete(drop);
    await db.drop();
  };
  databases.add(drop);
  return { url: db.url, name: db.name, drop };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface PrivateRedis {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** A redis-server of this run's own (no persistence) on a free port. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: the three-node configuration needs a Redis of its own');
  const port = await freePort();
  const child = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU time (user + system, all threads) a process has used, in ms, from /proc; null once it is
 * gone. The scheduler's nanosecond count of each thread (/proc/<pid>/task/<tid>/schedstat) where
 * the kernel has it: /proc/<pid>/stat counts in clock ticks (10 ms), too coarse for the few
 * hundred ms a fan-out phase costs a node. A thread that ended between two readings drops out
 * of the second (the nodes' threads live as long as they do).
 */
export function processCpuMs(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended while being read
      }
    }
    if (ns > 0) return ns / 1e6;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The PostgreSQL server processes serving `database` now (this machine's server: their /proc is readable). */
export async function backendPids(database: string): Promise<number[]> {
  const c = await adminClient();
  try {
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    return r.rows.map((row) => row.pid);
  } finally {
    await c.end();
  }
}

/** Transactions committed and rolled back in `database` so far (every statement outside BEGIN ... COMMIT is one). */
export async function transactionCount(database: string): Promise<number> {
  const c = await adminClient();
  try {
    const r = await c.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [database]);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

/**
 * CPU used by groups of processes between two readings: what a statement costs, whatever the
 * machine's load (wall time on a shared machine counts the waits for a core; CPU time does not).
 * A PostgreSQL backend that ends between the readings is not counted (the nodes keep theirs open).
 */
export async function cpuReading(groups: Record<string, () => Promise<number[]> | number[]>): Promise<Record<string, Map<number, number>>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(groups)) {
    const m = new Map<number, number>();
    for (const pid of await pids()) {
      const ms = processCpuMs(pid);
      if (ms !== null) m.set(pid, ms);
    }
    out[name] = m;
  }
  return out;
}

export function cpuSpent(before: Record<string, Map<number, number>>, after: Record<string, Map<number, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of Object.entries(after)) {
    let sum = 0;
    for (const [pid, ms] of m) sum += ms - (before[name]?.get(pid) ?? 0);
    out[name] = sum;
  }
  return out;
}
