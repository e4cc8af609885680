/**
 * Cluster benchmark (issue 16): real server processes (the bundle `npm start` runs), each
 * configuration on ports, temp dirs and a PostgreSQL database of its own. In one run:
 *   - ingest statements/s (batches POSTed through HTTP until every browser has every statement)
 *     and POST-to-browser latency, under that load and at a steady feed, for one node on SQLite
 *     (the baseline: today's default), one node on PostgreSQL, and three nodes on PostgreSQL +
 *     a Redis of its own (posts spread over the nodes, browsers on every node);
 *   - socket fan-out to 3,000 socket.io clients spread over the three nodes (target: p99 under
 *     250 ms), against the same events sent to the six browsers of the ingest run as baseline,
 *     and the CPU per delivery of the nodes and of the clients apart (scripts/bench/cluster-fanout.ts).
 * Latencies run from the POST being sent to the id being in the browser: an upper bound of
 * emit-to-browser, as it includes the request, the insert, scoring and the commit. The
 * machine's load average is printed beside the figures (a shared machine moves them).
 *
 *   node --import tsx scripts/bench/cluster-bench.ts [--statements N] [--steady N] [--clients N] [--events N] [--only sqlite,pg,cluster] [--fanout-only] [--crowd ws|socket.io]
 *   (--fanout-only: the three nodes and the fan-out alone, no ingest or steady phase: for repeated fan-out runs;
 *    --crowd: the 3,000 clients speak the protocol on `ws` (default: half the CPU per message) or are socket.io-client)
 *   (npm run bench -- cluster)
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServer } from '../build-server.ts';
import { collect, ingestPosts, latencies, now, pacedPosts, quantile, retried, startClients, statementMaker, type ClientKind, type Clients, type Latencies } from './cluster-load.ts';
import { fanOutPhase, printFanout, type CpuGroups, type FanoutResult } from './cluster-fanout.ts';
import { backendPids, transactionCount, cpuReading, cpuSpent, createBenchDatabase, startNode, startPrivateRedis, type BenchDatabase, type Node, type PrivateRedis } from './cluster-nodes.ts';

const BROWSERS_PER_NODE = 2;
const BATCH = 50;
const POSTERS = 4;
const STEADY_RATE = 20;
const IDLE_MS = 2000;

const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0).padStart(5)} ms` : '    n/a');
const load = () => `load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`;
const dist = (xs: number[]) => `p50 ${ms(quantile(xs, 0.5))}  p99 ${ms(quantile(xs, 0.99))}  max ${ms(xs.at(-1) ?? NaN)}`;
const CLIENT_NAMES: Record<ClientKind, string> = { ws: 'Socket.IO protocol on ws', 'socket.io': 'socket.io-client' };
const cpuText = (spent: Record<string, number>, per: number, unit: string) =>
  Object.entries(spent)
    .map(([k, v]) => `${k} ${(v / per).toFixed(2)} ms`)
    .join(' + ') + ` CPU per ${unit}`;
const health = (l: Latencies) => (l.missing === 0 && l.duplicates === 0 ? 'every browser had every statement once' : `MISSING ${l.missing}, DUPLICATES ${l.duplicates}`);

interface Sizes {
  statements: number;
  steady: number;
  clients: number;
  events: number;
}

interface ConfigResult {
  name: string;
  perSecond: number;
  /** CPU ms of all its processes (nodes, PostgreSQL backends, Redis) per ingested statement. */
  cpuPerStatement: number;
  loadedP99: number;
  steadyP99: number;
  ok: boolean;
}

/** Runs the ingest and steady phases on started nodes with BROWSERS_PER_NODE browsers on each. */
async function measure(name: string, nodes: Node[], sizes: Sizes, browsers: Clients, cpu: CpuGroups, transactions?: () => Promise<number>, warmUpOnly = false): Promise<ConfigResult> {
  const make = statementMaker(crypto.randomBytes(3).toString('hex'));
  const sockets = browsers.sockets;
  // Warm-up, and the check that a statement posted to any node reaches the browsers of all.
  await browsers.reset();
  const warm = await pacedPosts(nodes, make, nodes.length * 3, 10);
  const warmLat = latencies(warm, await collect([browsers], warm.length, 20_000), sockets);
  if (warmLat.missing > 0) {
    out(`  ${name}: NOT MEASURED: of ${warm.length} warm-up statements x ${sockets} browsers, ${warmLat.missing} never arrived (arrivals in browsers on the node posted to: ${warmLat.local.length}, on the other nodes: ${warmLat.remote.length}).`);
    if (nodes.length > 1) out('  The nodes\' socket.io servers are not joined: is the cluster adapter (BRINKWATCH_REDIS_URL) wired in server/main.ts?');
    return { name, perSecond: NaN, cpuPerStatement: NaN, loadedP99: NaN, steadyP99: NaN, ok: false };
  }
  if (warmUpOnly) return { name, perSecond: NaN, cpuPerStatement: NaN, loadedP99: NaN, steadyP99: NaN, ok: true };

  await browsers.reset();
  const loadBefore = load();
  // What the processes spend with nothing to do (score ticks, health, leadership): part of every CPU figure below.
  const idle0 = await cpuReading(cpu);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = cpuSpent(idle0, await cpuReading(cpu));
  const xacts0 = transactions ? await transactions() : 0;
  const cpu0 = await cpuReading(cpu);
  const ingest = await ingestPosts(nodes, make, sizes.statements, BATCH, POSTERS);
  const ingestLat = latencies(ingest, await collect([browsers], sizes.statements, 120_000), sockets);
  const spent = cpuSpent(cpu0, await cpuReading(cpu));
  const cpuTotal = Object.values(spent).reduce((a, b) => a + b, 0);
  const xacts = transactions ? (await transactions()) - xacts0 : 0;
  const first = Math.min(...ingest.map((p) => p.sentAt));
  const lastAnswer = Math.max(...ingest.map((p) => p.answeredAt));
  const perSecond = sizes.statements / ((ingestLat.lastArrival - first) / 1000);
  out(`  ${name}: ${load()} (before: ${loadBefore})`);
  out(
    `    ingest, ${sizes.statements} statements in batches of ${BATCH} from ${POSTERS} posters over ${nodes.length} node(s): ` +
      `${Math.round(perSecond).toLocaleString('en-US')} statements/s until in every browser ` +
      `(HTTP accepted at ${Math.round(sizes.statements / ((lastAnswer - first) / 1000)).toLocaleString('en-US')}/s); ${health(ingestLat)}`,
  );
  out(`    POST-to-browser under that load:   ${dist(ingestLat.all)}`);
  out(`    POST answered (batch of ${BATCH}):       ${dist(ingest.map((p) => p.answeredAt - p.sentAt).sort((a, b) => a - b))}`);
  out(
    `    ${cpuText(spent, sizes.statements, 'statement')} (${Math.round((sizes.statements / cpuTotal) * 1000).toLocaleString('en-US')} statements per CPU-second: ` +
      'the machine\'s load does not move this figure as it moves the rate)',
  );
  out(`      idle, the same processes spend ${Object.entries(idle).map(([k, v]) => `${k} ${((v / IDLE_MS) * 1000).toFixed(0)} ms`).join(' + ')} CPU per second (jobs, health, leadership)`);
  if (transactions) out(`      PostgreSQL transactions: ${(xacts / sizes.statements).toFixed(1)} per statement (pg_stat_database, flushed by each backend at most once a second: approximate)`);

  await browsers.reset();
  const steady = await pacedPosts(nodes, make, sizes.steady, STEADY_RATE);
  const steadyLat = latencies(steady, await collect([browsers], steady.length, 30_000), sockets);
  out(`    POST-to-browser, steady ${STEADY_RATE}/s x ${sizes.steady}: ${dist(steadyLat.all)}; ${health(steadyLat)}`);
  out(`      POST answered:                   ${dist(steady.map((p) => p.answeredAt - p.sentAt).sort((a, b) => a - b))}`);
  if (nodes.length > 1) {
    out(`      browsers on the node posted to:  ${dist(steadyLat.local)}`);
    out(`      browsers on the other nodes:     ${dist(steadyLat.remote)}`);
  }
  const ok = ingestLat.missing === 0 && ingestLat.duplicates === 0 && steadyLat.missing === 0 && steadyLat.duplicates === 0;
  return { name, perSecond, cpuPerStatement: cpuTotal / sizes.statements, loadedP99: quantile(ingestLat.all, 0.99), steadyP99: quantile(steadyLat.all, 0.99), ok };
}

/** Starts `count` nodes into `nodes` (filled as they come up, so that a failed start still stops the others). */
async function startCluster(bundle: string, count: number, env: Record<string, string>, nodes: Node[]): Promise<void> {
  // The first node migrates the new database alone; the others start together once it listens.
  nodes.push(await startNode(bundle, 'bench-a', env));
  const rest = await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => startNode(bundle, `bench-${String.fromCharCode(98 + i)}`, env)));
  for (const r of rest) if (r.status === 'fulfilled') nodes.push(r.value);
  const failed = rest.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

async function stopAll(nodes: Node[]): Promise<void> {
  const crashed = nodes.filter((n) => n.child.exitCode !== null || n.child.signalCode !== null);
  for (const n of crashed) out(`  node ${n.name} DIED during the run (exit ${n.child.exitCode ?? n.child.signalCode}):\n${n.output().slice(-2000)}`);
  await Promise.all(nodes.map((n) => n.stop()));
}

export async function run(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { statements: { type: 'string' }, clients: { type: 'string' }, events: { type: 'string' }, steady: { type: 'string' }, only: { type: 'string' }, 'fanout-only': { type: 'boolean' }, crowd: { type: 'string' } } });
  const clientKind = (values.crowd ?? 'ws') as ClientKind;
  if (!(clientKind in CLIENT_NAMES)) throw new Error(`--crowd takes ws or socket.io (got ${values.crowd})`);
  const sizes: Sizes = {
    statements: Number(values.statements ?? 1000),
    steady: Number(values.steady ?? 60),
    clients: Number(values.clients ?? 3000),
    events: Number(values.events ?? 10),
  };
  for (const [k, v] of Object.entries(sizes)) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer (got ${v})`);
  const started = performance.now();
  const bundle = await buildServer();
  out(`cluster: ${os.cpus().length} cores, Node ${process.version}, ${load()} at the start; ${BROWSERS_PER_NODE} browsers (socket.io clients, one child process) per node`);
  const results: ConfigResult[] = [];
  let fan: FanoutResult | null = null;

  const all: Array<{ key: string; name: string; nodes: number; db: boolean; redis: boolean }> = [
    { key: 'sqlite', name: '1 node, SQLite (baseline)', nodes: 1, db: false, redis: false },
    { key: 'pg', name: '1 node, PostgreSQL', nodes: 1, db: true, redis: false },
    { key: 'cluster', name: '3 nodes, PostgreSQL + Redis', nodes: 3, db: true, redis: true },
  ];
  // --only sqlite,cluster: some configurations (while working on one); the run the README quotes has all three.
  const only = values.only?.split(',').map((k) => k.trim());
  const unknown = only?.filter((k) => !all.some((c) => c.key === k)) ?? [];
  if (unknown.length > 0) throw new Error(`--only takes ${all.map((c) => c.key).join(', ')} (got ${unknown.join(', ')})`);
  const fanoutOnly = values['fanout-only'] === true;
  const configs = all.filter((c) => (fanoutOnly ? c.key === 'cluster' : !only || only.includes(c.key)));
  for (const config of configs) {
    let db: BenchDatabase | null = null;
    let redis: PrivateRedis | null = null;
    const nodes: Node[] = [];
    let browsers: Clients | null = null;
    try {
      const env: Record<string, string> = {};
      if (config.db) env.BRINKWATCH_DATABASE_URL = (db = await createBenchDatabase()).url;
      if (config.redis) env.BRINKWATCH_REDIS_URL = (redis = await startPrivateRedis()).url;
      const t0 = performance.now();
      await startCluster(bundle, config.nodes, env, nodes);
      out(`  ${config.name}: ${nodes.length} node(s) up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      browsers = await startClients(nodes.map((n) => n.url), BROWSERS_PER_NODE);
      const cpu: CpuGroups = { nodes: () => nodes.map((n) => n.child.pid!) };
      const dbName = db?.name;
      if (dbName) cpu.PostgreSQL = () => backendPids(dbName);
      const redisPid = redis?.pid;
      if (redisPid) cpu.Redis = () => [redisPid];
      const result = await measure(config.name, nodes, sizes, browsers, cpu, dbName ? () => transactionCount(dbName) : undefined, fanoutOnly);
      if (!fanoutOnly) results.push(result);

      if (config.nodes === 3 && result.ok) {
        // Baseline: the same kind of events to the six browsers already connected.
        const base = await fanOutPhase(nodes, [browsers], sizes.events, 'fanout-base', cpu);
        await browsers.close();
        browsers = null;
        const perNode = Math.ceil(sizes.clients / nodes.length);
        const c0 = now();
        const crowd: Clients[] = [];
        try {
          // One process per node's share: three event loops to take in the pushes, as browsers on many machines would.
          crowd.push(...(await Promise.all(nodes.map((n, i) => startClients([n.url], perNode, i, clientKind)))));
          const connectS = (now() - c0) / 1000;
          const phase = await fanOutPhase(nodes, crowd, sizes.events, 'fanout', cpu);
          fan = { base, crowd: phase, events: sizes.events, clients: sizes.clients, browsers: BROWSERS_PER_NODE * nodes.length, clientKind: CLIENT_NAMES[clientKind], connectS, loadDuring: load() };
        } finally {
          await Promise.all(crowd.map((c) => c.close()));
        }
      }
    } catch (err) {
      out(`  ${config.name}: FAILED: ${(err as Error).message}`);
      results.push({ name: config.name, perSecond: NaN, cpuPerStatement: NaN, loadedP99: NaN, steadyP99: NaN, ok: false });
    } finally {
      await browsers?.close();
      await stopAll(nodes);
      await redis?.stop();
      await db?.drop();
    }
  }

  out('');
  out(`summary (${load()}):`);
  const base = results.find((r) => r.name === all[0]!.name);
  for (const r of results) {
    const vs = base && r !== base && Number.isFinite(base.perSecond) && Number.isFinite(r.perSecond) ? ` (${(r.perSecond / base.perSecond).toFixed(2)}x SQLite)` : '';
    out(
      `  ${r.name.padEnd(30)} ingest ${Number.isFinite(r.perSecond) ? Math.round(r.perSecond).toLocaleString('en-US').padStart(6) : '   n/a'} statements/s${vs.padEnd(14)}` +
        ` ${Number.isFinite(r.cpuPerStatement) ? r.cpuPerStatement.toFixed(2).padStart(5) : '  n/a'} CPU ms/statement` +
        `  POST-to-browser p99: under load ${ms(r.loadedP99)}, steady ${ms(r.steadyP99)}${r.ok ? '' : '  (NOT OK: see above)'}`,
    );
  }
  if (fan) {
    printFanout(out, fan, load());
  } else if (!configs.some((c) => c.key === 'cluster')) {
    out('  fan-out: not run (it needs the cluster configuration; --only left it out)');
  } else {
    out('  fan-out: NOT MEASURED (the three-node configuration failed or did not deliver every statement to every node: see above)');
  }
  if (retried.length > 0) out(`  ${retried.length} POST(s) failed without an answer and were sent again (the figures include the wait): ${retried.slice(0, 3).join('; ')}`);
  out(`cluster benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
