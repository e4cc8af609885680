/**
 * The load of the cluster benchmark (scripts/bench/cluster-bench.ts): statements POSTed through
 * HTTP to the nodes, and socket.io clients in child processes (scripts/bench/cluster-clients.ts)
 * that note when each statement reaches them. Every latency here is from the moment a POST is
 * sent to the moment a client has the statement's id, on one wall clock shared by the processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_TOKEN, track, type Node } from './cluster-nodes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A POST not answered in this long fails the configuration (a stuck node) instead of hanging the bench. */
const POST_TIMEOUT_MS = 60_000;

export const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export interface Report {
  ids: number[];
  nodes: number[];
  times: number[];
  duplicates: number;
  disconnects: number;
  /** CPU the client process spent since the last reset (its own process.cpuUsage), ms. */
  cpuUserMs: number;
  cpuSystemMs: number;
}

export interface Clients {
  pid: number;
  sockets: number;
  connectMs: number;
  /** The node (index into the URLs this process was given) each of its sockets is on, offset for several processes. */
  nodeOffset: number;
  /** Forgets the arrivals so far; resolves once the client process has (so that nothing sent after it is lost to it). */
  reset(): Promise<void>;
  count(): Promise<number>;
  report(): Promise<Report>;
  close(): Promise<void>;
}

/** Which client the sockets are (scripts/bench/cluster-clients.ts): socket.io-client, or the protocol on `ws` alone. */
export type ClientKind = 'socket.io' | 'ws';

/** Starts `perNode` sockets on each URL in a child process; resolves once all have their snapshot. */
export async function startClients(urls: string[], perNode: number, nodeOffset = 0, client: ClientKind = 'socket.io'): Promise<Clients> {
  const child: ChildProcess = track(
    fork(path.join(ROOT, 'scripts', 'bench', 'cluster-clients.ts'), [JSON.stringify({ urls, perNode, client })], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const waiting = new Map<string, (msg: Record<string, unknown>) => void>();
  let failed: Error | null = null;
  child.on('message', (msg: Record<string, unknown>) => {
    const w = waiting.get(String(msg.type));
    waiting.delete(String(msg.type));
    w?.(msg);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      failed = new Error(`the client process exited with ${code}`);
      for (const w of waiting.values()) w({ type: 'exit' });
      resolve();
    }),
  );
  const expect = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting.set(type, (msg) => (msg.type === 'exit' ? reject(failed) : resolve(msg)));
    });
  // The child fails by itself when a socket cannot connect; this bounds the rest (a stalled server).
  const readyTimeoutMs = 60_000 + 100 * perNode * urls.length;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    expect('ready'),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${perNode * urls.length} sockets not all connected within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    }),
  ]).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  clearTimeout(timer);
  return {
    pid: child.pid!,
    sockets: Number(ready.sockets),
    connectMs: Number(ready.connectMs),
    nodeOffset,
    reset: async () => {
      const p = expect('reset');
      child.send({ cmd: 'reset' });
      await p;
    },
    count: async () => {
      const p = expect('count');
      child.send({ cmd: 'count' });
      return Number((await p).n);
    },
    report: async () => {
      const p = expect('report');
      child.send({ cmd: 'report' });
      const r = (await p) as unknown as Report;
      return { ...r, nodes: r.nodes.map((n) => n + nodeOffset) };
    },
    close: async () => {
      if (child.connected) child.send({ cmd: 'close' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Realistic statements: the demo texts (varied length and vocabulary), each made unique. */
export function statementMaker(tag: string): (n: number) => Array<Record<string, string>> {
  const pool = fs
    .readFileSync(path.join(ROOT, 'data', 'demo', 'statements.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; speaker: string; source: string });
  let next = 0;
  return (n) =>
    Array.from({ length: n }, () => {
      const i = next++;
      const s = pool[i % pool.length]!;
      return { text: `${s.text} (bench ${tag} #${i})`, speaker: s.speaker, source: s.source, externalId: `cluster-bench-${tag}-${i}`, publishedAt: new Date().toISOString() };
    });
}

export interface Posted {
  ids: number[];
  sentAt: number;
  answeredAt: number;
  node: number;
}

/** POSTs a batch to a node; every statement must be accepted as new. */
/** POSTs sent a second time after a connection-level failure, with the failures' causes (printed by the bench). */
export const retried: string[] = [];

export async function post(nodes: Node[], node: number, statements: Array<Record<string, string>>): Promise<Posted> {
  const sentAt = now();
  let res: Response | null = null;
  let again = false;
  // A connection-level failure (no answer) is retried once on a fresh connection: the statements
  // carry external ids, so a first attempt that did store them makes the second see duplicates
  // of the same ids, not new statements. The retries are counted and printed.
  for (let attempt = 0; res === null; attempt++) {
    try {
      res = await fetch(`${nodes[node]!.url}/api/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json', ...(attempt > 0 ? { connection: 'close' } : {}) },
        body: JSON.stringify({ statements }),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const alive = nodes[node]!.child.exitCode === null && nodes[node]!.child.signalCode === null;
      const why = `POST to ${nodes[node]!.name} failed after ${(now() - sentAt).toFixed(0)} ms: ${(err as Error).message} (${cause?.code ?? ''} ${cause?.message ?? ''}); the node is ${alive ? 'running' : 'gone'}`;
      if (attempt > 0 || !alive || (err as Error).name === 'TimeoutError') throw new Error(why);
      retried.push(why);
      again = true;
    }
  }
  const body = (await res.json()) as { accepted?: Array<{ id: number; duplicate: boolean }>; rejected?: unknown[] };
  const answeredAt = now();
  // After a retry, statements the first attempt stored come back as duplicates of themselves.
  const fresh = (body.accepted ?? []).filter((a) => !a.duplicate || again);
  if (res.status !== 202 || fresh.length !== statements.length) {
    throw new Error(`POST to ${nodes[node]!.name} answered ${res.status} with ${fresh.length} of ${statements.length} new: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { ids: fresh.map((a) => a.id), sentAt, answeredAt, node };
}

/**
 * Waits until every socket of every client process has every one of `expected` ids (counts
 * since the last reset), or `timeoutMs`; then returns the reports. Late or lost ones show in
 * the latencies' `missing`. `countOnly`: just wait (polled more often), no reports.
 */
export async function collect(clients: Clients[], expected: number, timeoutMs: number, countOnly = false): Promise<Report[]> {
  const deadline = Date.now() + timeoutMs;
  const wanted = expected * clients.reduce((n, c) => n + c.sockets, 0);
  for (;;) {
    const got = (await Promise.all(clients.map((c) => c.count()))).reduce((a, b) => a + b, 0);
    if (got >= wanted || Date.now() > deadline) break;
    await sleep(countOnly ? 50 : 200);
  }
  return countOnly ? [] : Promise.all(clients.map((c) => c.report()));
}

export interface Latencies {
  /** POST sent -> socket has the id, every (statement, socket) pair, sorted. */
  all: number[];
  /** The same for sockets on the node the POST went to, and on the other nodes. */
  local: number[];
  remote: number[];
  /** The same by the node the socket is on (index into the bench's nodes). */
  byNode: number[][];
  /** Each arrival after the first arrival of the same statement anywhere: the spread of one push. */
  spread: number[];
  missing: number;
  duplicates: number;
  lastArrival: number;
}

export function latencies(posted: Posted[], reports: Report[], sockets: number): Latencies {
  const byId = new Map<number, Posted>();
  for (const p of posted) for (const id of p.ids) byId.set(id, p);
  const first = new Map<number, number>();
  for (const r of reports) r.ids.forEach((id, i) => first.set(id, Math.min(first.get(id) ?? Infinity, r.times[i]!)));
  const out: Latencies = { all: [], local: [], remote: [], byNode: [], spread: [], missing: 0, duplicates: 0, lastArrival: 0 };
  let seen = 0;
  for (const r of reports) {
    out.duplicates += r.duplicates;
    r.ids.forEach((id, i) => {
      const p = byId.get(id);
      if (!p) return; // not a statement of this phase (none expected: private nodes, demo off)
      seen++;
      const at = r.times[i]!;
      const ms = at - p.sentAt;
      out.all.push(ms);
      (r.nodes[i] === p.node ? out.local : out.remote).push(ms);
      (out.byNode[r.nodes[i]!] ??= []).push(ms);
      out.spread.push(at - first.get(id)!);
      out.lastArrival = Math.max(out.lastArrival, at);
    });
  }
  out.missing = byId.size * sockets - seen;
  for (const xs of [out.all, out.local, out.remote, out.spread, ...out.byNode]) xs?.sort((a, b) => a - b);
  return out;
}

/**
 * Open-loop posting: one statement every 1000/rate ms, round-robin over the nodes, each POST
 * sent on its schedule whether or not the previous one was answered (a steady feed, not a
 * client that waits).
 */
export async function pacedPosts(nodes: Node[], make: (n: number) => Array<Record<string, string>>, count: number, ratePerSecond: number): Promise<Posted[]> {
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const inflight: Array<Promise<Posted>> = [];
  for (let i = 0; i < count; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(post(nodes, i % nodes.length, make(1)));
  }
  return Promise.all(inflight);
}

/** Closed-loop ingest: `posters` loops each POSTing a batch and sending the next on its answer, batches round-robin over the nodes. */
export async function ingestPosts(nodes: Node[], make: (n: number) => Array<Record<string, string>>, total: number, batch: number, posters: number): Promise<Posted[]> {
  const out: Posted[] = [];
  let next = 0;
  const batches = Math.ceil(total / batch);
  await Promise.all(
    Array.from({ length: posters }, async () => {
      for (let b = next++; b < batches; b = next++) out.push(await post(nodes, b % nodes.length, make(Math.min(batch, total - b * batch))));
    }),
  );
  return out;
}
