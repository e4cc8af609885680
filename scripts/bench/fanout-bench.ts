/**
 * What one socket costs a node per pushed batch (issue 16's fan-out), apart from everything else
 * a node does: Brinkwatch's realtime server (server/realtime/realtime-server.ts, the in-memory
 * adapter) in this process, `publishScored` of a one-statement batch as the score job sends it
 * (~1.9 KB as JSON), to 1,000 pages and, as the baseline in the same run, to 10, in a client
 * process of its own (scripts/bench/cluster-clients.ts, the Socket.IO protocol on `ws`). The
 * node's CPU is process.cpuUsage() here from the push until every page has it; the per-socket
 * figure is the difference between the two sizes over the extra deliveries, so what does not
 * grow with the pages (the bench's own polling) drops out. The clients' CPU is their own
 * process.cpuUsage(). Also the same push with the statement and metrics left out (~60 bytes),
 * to show what the message's size costs. Rounds interleave the sizes; CPU figures do not move
 * with the machine's load as latencies do, which is printed beside them anyway.
 *
 *   node --import tsx scripts/bench/fanout-bench.ts [--pages 1000] [--events 40] [--rounds 3]
 *   (npm run bench -- fanout)
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../server/config/logger.ts';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime/realtime-server.ts';
import type { ScoredPush } from '../../server/realtime/statement-push.ts';
import type { StatementView } from '../../server/store/statement-types.ts';
import { collect, startClients, type Clients } from './cluster-load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASELINE_PAGES = 10;
const out = (s: string) => process.stdout.write(`${s}\n`);
const load = () => `load ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`;

/** A scored batch of one demo statement, shaped as the score job pushes it (four signals, three windows of metrics). */
function pushOf(id: number, text: string, speaker: string, full: boolean): ScoredPush {
  const now = new Date().toISOString();
  const signal = (category: string, start: number) => ({ category, polarity: 'escalation', weight: 2.31, modality: 'asserted', text: text.slice(start, start + 8), start, end: start + 8 });
  const statement = {
    id, externalId: `fanout-${id}`, text, speaker, targets: ['Ukraine'], source: 'bench', url: null, publishedAt: null, receivedAt: now, occurredAt: now,
    origin: 'api', isDemo: false, status: 'scored', score: 72.4, level: 'high',
    signals: [signal('threat-of-force', 0), signal('attack-reported', 10), signal('military-posture', 20), signal('talks-meetings', 30)],
    scorerVersion: '1.3.0+lex.2026.12-3.b6a018a5', lang: 'en', langMixed: null,
  } as unknown as StatementView;
  const trend = { previous: { index: null, count: 0, maxScore: null, enoughData: false }, delta: null, direction: null };
  const win = (window: string, windowMs: number) => ({ window, windowMs, index: 41.2, count: id, maxScore: 72.4, enoughData: true, trend });
  const current = { at: now, scope: 'global', minStatements: 3, windows: { '1h': win('1h', 3_600_000), '24h': win('24h', 86_400_000), '7d': win('7d', 604_800_000) } };
  if (!full) return { ids: [id], statements: [], metrics: { current: { at: now, scope: 'global', minStatements: 3, windows: {} } as never, scopes: [] } };
  return { ids: [id], statements: [statement], metrics: { current: current as never, scopes: ['global', `actor:${speaker}`, 'category:threat-of-force'] } };
}

type Size = 'many' | 'few';

interface Cost {
  deliveries: number;
  nodeUserMs: number;
  nodeSystemMs: number;
  clientMs: number;
}

export async function run(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { pages: { type: 'string' }, events: { type: 'string' }, rounds: { type: 'string' } } });
  const pages = Number(values.pages ?? 1000);
  const events = Number(values.events ?? 40);
  const rounds = Number(values.rounds ?? 3);
  for (const [k, v] of Object.entries({ pages, events, rounds })) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer (got ${v})`);
  if (pages <= BASELINE_PAGES) throw new Error(`--pages must be more than the baseline's ${BASELINE_PAGES}`);
  const demo = fs
    .readFileSync(path.join(ROOT, 'data', 'demo', 'statements.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { text: string; speaker: string });
  // Two servers, one per set of pages: a push reaches only the pages of the set measured.
  const servers: Record<Size, RealtimeServer> = {} as Record<Size, RealtimeServer>;
  const sets: Partial<Record<Size, Clients>> = {};
  let nextId = 1;
  try {
    for (const [key, n] of [['many', pages], ['few', BASELINE_PAGES]] as const) {
      const httpServer = http.createServer();
      servers[key] = createRealtimeServer({ httpServer, logger: createLogger('error'), getSnapshot: () => ({ statements: [], metrics: pushOf(0, 'x'.repeat(40), 'x', true).metrics.current }) });
      await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
      sets[key] = await startClients([`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`], n, 0, 'ws');
    }
    out(`fanout: ${os.cpus().length} cores, Node ${process.version}, ${load()}; ${pages} pages against ${BASELINE_PAGES}, ${events} pushes each, ${rounds} rounds`);
    const costs: Record<string, Cost[]> = {};
    const measure = async (key: Size, full: boolean) => {
      const clients = sets[key]!;
      await clients.reset();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < events; i++) {
        const s = demo[nextId % demo.length]!;
        servers[key].publishScored(pushOf(nextId++, s.text, s.speaker, full));
        await collect([clients], i + 1, 30_000, true);
      }
      const cpu = process.cpuUsage(cpu0);
      const [report] = await collect([clients], events, 30_000);
      (costs[`${key}-${full ? 'full' : 'small'}`] ??= []).push({ deliveries: report!.ids.length, nodeUserMs: cpu.user / 1000, nodeSystemMs: cpu.system / 1000, clientMs: report!.cpuUserMs + report!.cpuSystemMs });
      if (report!.ids.length !== events * clients.sockets || report!.duplicates > 0) throw new Error(`${key}: ${report!.ids.length} of ${events * clients.sockets} deliveries, ${report!.duplicates} duplicates`);
    };
    for (let r = 0; r < rounds; r++) for (const full of [true, false]) for (const key of ['few', 'many'] as const) await measure(key, full);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const size of ['full', 'small']) {
      const many = costs[`many-${size}`]!;
      const few = costs[`few-${size}`]!;
      const extra = many[0]!.deliveries - few[0]!.deliveries;
      const per = (f: (c: Cost) => number) => median(many.map((m, i) => ((f(m) - f(few[i]!)) / extra) * 1000));
      out(
        `  ${size === 'full' ? 'batchScored, one statement (~1.9 KB)' : 'the same, ids only (~60 B)         '}: node ${per((c) => c.nodeUserMs + c.nodeSystemMs).toFixed(1)} µs CPU per delivery ` +
          `(user ${per((c) => c.nodeUserMs).toFixed(1)}, system ${per((c) => c.nodeSystemMs).toFixed(1)}); clients ${median(many.map((m) => (m.clientMs / m.deliveries) * 1000)).toFixed(1)} µs; ` +
          `median of ${rounds} rounds, ${pages} pages less ${BASELINE_PAGES}`,
      );
    }
    out(`  (${load()})`);
  } finally {
    await Promise.all(Object.values(sets).map((c) => c.close()));
    await Promise.all(Object.values(servers).map((r) => r.close()));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
