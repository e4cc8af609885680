/**
 * The fan-out part of the cluster benchmark (scripts/bench/cluster-bench.ts): single statements
 * posted to three nodes in turn, first to the six browsers of the ingest run (the baseline), then
 * to 3,000 clients spread over the nodes, with the CPU each side spends. On one machine the
 * clients take their CPU from the same cores as the nodes, so the figures that do not move with
 * the machine's load are CPU per delivery: the nodes' (from /proc, less what they spend idle in
 * the same time), and the clients' own (process.cpuUsage in each client process), apart.
 */
import { collect, latencies, post, quantile, statementMaker, type Clients, type Latencies, type Posted } from './cluster-load.ts';
import { cpuReading, cpuSpent, type Node } from './cluster-nodes.ts';

/** Between one event reaching every client and the next POST. */
const FANOUT_GAP_MS = 300;
/** How long the nodes' idle CPU (score ticks every 2 s, health every 5 s, leadership) is read before a phase: one health cycle. */
const IDLE_MS = 5000;
export const FANOUT_TARGET_MS = 250;

export type CpuGroups = Record<string, () => Promise<number[]> | number[]>;

export interface FanoutPhase {
  lat: Latencies;
  /** Deliveries made: (statement, socket) pairs that arrived. */
  deliveries: number;
  /** CPU ms per process group (nodes, PostgreSQL, Redis) during the phase, less their idle rate over its length. */
  busy: Record<string, number>;
  /** The client processes' own CPU during the phase (process.cpuUsage), ms. */
  clientUserMs: number;
  clientSystemMs: number;
}

/**
 * `events` single statements, posted to the nodes in turn, one at a time: the next is posted
 * FANOUT_GAP_MS after every client had the last (or it timed out), so each figure is one event's
 * way to every client, not a queue of events behind each other. Before it, IDLE_MS with the
 * clients connected and nothing posted gives the groups' idle rate.
 */
export async function fanOutPhase(nodes: Node[], clients: Clients[], events: number, tag: string, cpu: CpuGroups): Promise<FanoutPhase> {
  const make = statementMaker(tag);
  const idle0 = await cpuReading(cpu);
  const i0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = cpuSpent(idle0, await cpuReading(cpu));
  const idleMs = performance.now() - i0;
  await Promise.all(clients.map((c) => c.reset()));
  const cpu0 = await cpuReading(cpu);
  const t0 = performance.now();
  const posted: Posted[] = [];
  for (let i = 0; i < events; i++) {
    posted.push(await post(nodes, i % nodes.length, make(1)));
    await collect(clients, i + 1, 30_000, true);
    await new Promise((r) => setTimeout(r, FANOUT_GAP_MS));
  }
  const reports = await collect(clients, events, 30_000);
  const spent = cpuSpent(cpu0, await cpuReading(cpu));
  const ms = performance.now() - t0;
  const busy = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, v - ((idle[k] ?? 0) / idleMs) * ms]));
  const sockets = clients.reduce((n, c) => n + c.sockets, 0);
  const lat = latencies(posted, reports, sockets);
  return {
    lat,
    deliveries: lat.all.length,
    busy,
    clientUserMs: reports.reduce((a, r) => a + r.cpuUserMs, 0),
    clientSystemMs: reports.reduce((a, r) => a + r.cpuSystemMs, 0),
  };
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0).padStart(5)} ms` : '    n/a');
const dist = (xs: number[]) => `p50 ${ms(quantile(xs, 0.5))}  p99 ${ms(quantile(xs, 0.99))}  max ${ms(xs.at(-1) ?? NaN)}`;
const health = (l: Latencies) => (l.missing === 0 && l.duplicates === 0 ? 'every browser had every statement once' : `MISSING ${l.missing}, DUPLICATES ${l.duplicates}`);
const us = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} µs` : 'n/a');

export interface FanoutResult {
  base: FanoutPhase;
  crowd: FanoutPhase;
  events: number;
  clients: number;
  browsers: number;
  clientKind: string;
  connectS: number;
  loadDuring: string;
}

/** The fan-out's lines of the summary; returns whether the target was met. */
export function printFanout(out: (s: string) => void, f: FanoutResult, load: string): boolean {
  const { base, crowd } = f;
  const total = crowd.deliveries + crowd.lat.missing;
  out(`  fan-out, ${f.events} events one at a time, posted to the 3 nodes in turn (${load}; during: ${f.loadDuring}):`);
  out(`    baseline, ${f.browsers} browsers:              ${dist(base.lat.all)}; ${health(base.lat)}`);
  out(`    ${f.clients.toLocaleString('en-US')} clients (${f.clientKind}, connected in ${f.connectS.toFixed(1)} s): ${dist(crowd.lat.all)}; ${health(crowd.lat)} (${total} deliveries)`);
  out(`      on the node posted to:           ${dist(crowd.lat.local)}`);
  out(`      on the other nodes:              ${dist(crowd.lat.remote)}`);
  crowd.lat.byNode.forEach((xs, i) => out(`      clients on node ${String.fromCharCode(97 + i)}:              ${dist(xs ?? [])}`));
  out(`      after the first browser had it:  ${dist(crowd.lat.spread)}`);
  // What one more socket costs a node: the crowd's busy CPU less the baseline's, over the extra deliveries.
  const extra = crowd.deliveries - base.deliveries;
  const perDelivery = ((crowd.busy.nodes ?? NaN) - (base.busy.nodes ?? NaN)) / extra;
  const perEvent = Object.entries(base.busy).map(([k, v]) => `${k} ${(v / f.events).toFixed(1)} ms`).join(' + ');
  out(`    CPU (less each process's idle rate; load does not move these as it moves the latencies):`);
  const all = Object.entries(crowd.busy).map(([k, v]) => `${k} ${((v / crowd.deliveries) * 1000).toFixed(1)} ms`).join(' + ');
  out(`      all of it, per 1,000 deliveries:   ${all} (the ${f.clients.toLocaleString('en-US')}-client phase, less idle: scoring and the rest included)`);
  out(`      nodes, per delivery to a socket:   ${us(perDelivery * 1000)} (the ${f.clients.toLocaleString('en-US')}-client phase less the baseline, over ${extra} more deliveries)`);
  out(`      per event, whatever the clients:   ${perEvent} (POST, insert, scoring, commit, push between nodes; baseline phase)`);
  out(`      clients, per delivery:             ${us(((crowd.clientUserMs + crowd.clientSystemMs) / crowd.deliveries) * 1000)} (user ${us((crowd.clientUserMs / crowd.deliveries) * 1000)}, system ${us((crowd.clientSystemMs / crowd.deliveries) * 1000)}; their own process.cpuUsage, on this machine's cores too)`);
  const p99 = quantile(crowd.lat.all, 0.99);
  const met = crowd.lat.missing === 0 && p99 < FANOUT_TARGET_MS;
  out(`    target: fan-out p99 under ${FANOUT_TARGET_MS} ms (POST to browser, an upper bound): ${met ? 'MET' : 'NOT MET'}`);
  return met;
}
