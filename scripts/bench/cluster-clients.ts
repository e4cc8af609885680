/**
 * Browsers for the cluster benchmark, in a child process of their own (as real browsers are: the
 * bench's own event loop, which times the POSTs, never waits for them): `perNode` socket.io
 * clients on each URL given, each noting when every statement id reaches it, from a
 * statementScored event or a statementsScoredInBulk one (both are how a page learns of a new
 * statement). Driven over IPC by scripts/bench/cluster-bench.ts:
 *   parent -> child: { cmd: 'reset' | 'count' | 'report' | 'close' }
 *   child -> parent: { type: 'ready', sockets, connectMs } once all are connected,
 *                    { type: 'reset' } once it has forgotten the arrivals so far,
 *                    { type: 'count', n } (arrivals since the last reset) on 'count',
 *                    { type: 'report', ids, nodes, times, duplicates, disconnects, cpuUserMs, cpuSystemMs }
 *                    on 'report' (the CPU this process spent since the last reset, from process.cpuUsage).
 * Times are wall-clock ms with sub-ms precision (performance.timeOrigin + performance.now()), the
 * same clock the parent uses for the POSTs, taken as the message is decoded.
 * Each socket asks for one `batchScored` per batch (push=batch, as the dashboard does); a server
 * that does not know it sends statementScored / statementsScoredInBulk, which count the same.
 * As little CPU per message as an honest client allows, so that the clients (on the same cores as
 * the nodes here) steal little from what is measured: `client: "socket.io"` is socket.io-client,
 * websocket transport only, with a parser of our own (its `parser` option) that reads an event's
 * name and ids from the start of the message instead of JSON-parsing statements and metrics;
 * `client: "ws"` speaks the same protocol on the `ws` package alone (cluster-ws-client.ts), at
 * about half the CPU per message.
 *
 *   node --import tsx scripts/bench/cluster-clients.ts '{"urls":["http://..."],"perNode":1000,"client":"ws"}'
 */
import { EventEmitter } from 'node:events';
import { io, type Socket } from 'socket.io-client';
import { connectWsPage } from './cluster-ws-client.ts';

interface Options {
  urls: string[];
  perNode: number;
  /** Handshakes in flight at once: 3,000 at the same instant would measure the accept queue, not fan-out. */
  connectConcurrency?: number;
  /** socket.io-client (as the dashboard), or the protocol on the `ws` package alone (scripts/bench/cluster-ws-client.ts). */
  client?: 'socket.io' | 'ws';
}

const now = () => performance.timeOrigin + performance.now();
const send = (msg: unknown) => process.send!(msg);

/** What the minimal parser makes of an event the bench counts: its ids, and when it was decoded. */
interface Arrival {
  ids: number[];
  at: number;
}
const IDS_EVENT = /^\["(batchScored|statementsScoredInBulk)",\{"ids":\[([0-9,]*)\]/;
const ONE_EVENT = /^\["statementScored",\{"id":(\d+)/;
const EVENT_NAME = /^\["([^"]+)"/;

/**
 * socket.io's default packet format ("<type>[<nsp>,][<ack id>]<json>"), read as little as the
 * bench needs: control packets (connect, errors) in full; events as their name, with the ids
 * and arrival time for the three that announce statements, and nothing else (a snapshot or an
 * alert arrives as an empty payload). No binary packets are sent to browsers.
 */
class Encoder {
  encode(packet: { type: number; nsp?: string; id?: number; data?: unknown }): string[] {
    const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
    return [`${packet.type}${nsp}${packet.id ?? ''}${packet.data === undefined ? '' : JSON.stringify(packet.data)}`];
  }
}
class Decoder extends EventEmitter {
  add(chunk: unknown): void {
    const at = now();
    if (typeof chunk !== 'string') throw new Error('binary packets are not expected');
    const type = Number(chunk[0]);
    let i = 1;
    let nsp = '/';
    if (chunk[1] === '/') {
      const comma = chunk.indexOf(',', 1);
      nsp = chunk.slice(1, comma);
      i = comma + 1;
    }
    let id: number | undefined;
    const digits = /^\d+/.exec(chunk.slice(i, i + 12));
    if (digits) {
      id = Number(digits[0]);
      i += digits[0].length;
    }
    const body = chunk.slice(i);
    let data: unknown;
    if (type === 2 || type === 3) {
      // EVENT / ACK: only the name and the ids.
      const many = IDS_EVENT.exec(body);
      const one = many ? null : ONE_EVENT.exec(body);
      if (many) data = [many[1], { ids: many[2] ? many[2].split(',').map(Number) : [], at } satisfies Arrival];
      else if (one) data = ['statementScored', { ids: [Number(one[1])], at } satisfies Arrival];
      else data = [EVENT_NAME.exec(body)?.[1] ?? '', {}];
    } else {
      data = body === '' ? undefined : JSON.parse(body);
    }
    this.emit('decoded', { type, nsp, id, data });
  }
  destroy(): void {
    this.removeAllListeners();
  }
}
const minimalParser = { Encoder, Decoder };

function parseOptions(raw: string | undefined): Options {
  let o: Partial<Options>;
  try {
    o = JSON.parse(raw ?? '') as Partial<Options>;
  } catch {
    throw new Error('cluster-clients: the first argument must be JSON {"urls": [...], "perNode": N}');
  }
  if (!Array.isArray(o.urls) || o.urls.length === 0 || !o.urls.every((u) => typeof u === 'string' && /^https?:\/\//.test(u))) {
    throw new Error('cluster-clients: urls must be a non-empty list of http(s) URLs');
  }
  if (!Number.isInteger(o.perNode) || o.perNode! < 1 || o.perNode! > 5000) throw new Error('cluster-clients: perNode must be an integer from 1 to 5000');
  if (o.client !== undefined && o.client !== 'socket.io' && o.client !== 'ws') throw new Error('cluster-clients: client must be "socket.io" or "ws"');
  return { urls: o.urls, perNode: o.perNode!, connectConcurrency: o.connectConcurrency ?? 50, client: o.client ?? 'socket.io' };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('cluster-clients runs as a child process with an IPC channel (cluster-bench.ts starts it)');
  const opts = parseOptions(process.argv[2]);
  // Flat columns rather than objects: 3,000 sockets x N events stay cheap to keep and to send.
  let ids: number[] = [];
  let nodes: number[] = [];
  let times: number[] = [];
  // Per page, the ids it has had (a page that gets one twice is a duplicate); cleared on reset.
  let seen: Array<Set<number>> = [];
  let duplicates = 0;
  let disconnects = 0;
  const pages: Array<{ close(): void }> = [];

  const page = (node: number) => {
    const index = seen.length;
    seen.push(new Set());
    return (list: number[], at: number) => {
      const set = seen[index]!;
      for (const id of list) {
        if (set.has(id)) {
          duplicates++;
          continue;
        }
        set.add(id);
        ids.push(id);
        nodes.push(node);
        times.push(at);
      }
    };
  };

  const connectSocketIo = (url: string, node: number) =>
    new Promise<void>((resolve, reject) => {
      // websocket only, no reconnection: a lost socket is counted, not silently replaced.
      const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000, parser: minimalParser, query: { push: 'batch' } });
      const onIds = page(node);
      const onArrival = (a: Arrival) => onIds(a.ids, a.at);
      socket.on('batchScored', onArrival);
      socket.on('statementScored', onArrival);
      socket.on('statementsScoredInBulk', onArrival);
      socket.on('disconnect', () => disconnects++);
      // Connected once its snapshot came: the page is then live. A server whose snapshot fails
      // never sends one: said after 30 s rather than waited for.
      let noSnapshot: NodeJS.Timeout | undefined;
      socket.once('connect', () => {
        noSnapshot = setTimeout(() => reject(new Error(`socket to ${url} connected but had no snapshot within 30 s (the server's snapshot failed?)`)), 30_000);
      });
      socket.once('snapshot', () => {
        clearTimeout(noSnapshot);
        resolve();
      });
      socket.once('connect_error', (err) => reject(new Error(`socket to ${url} failed: ${err.message}`)));
      pages.push({ close: () => socket.disconnect() });
    });
  const connectWs = async (url: string, node: number) => {
    pages.push(await connectWsPage(url, { push: 'batch' }, now, page(node), () => disconnects++));
  };
  const connect = opts.client === 'ws' ? connectWs : connectSocketIo;

  const started = performance.now();
  const queue: Array<[string, number]> = [];
  for (let i = 0; i < opts.perNode; i++) opts.urls.forEach((u, n) => queue.push([u, n]));
  const lanes = Array.from({ length: Math.min(opts.connectConcurrency ?? 50, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await connect(next[0], next[1]);
  });
  await Promise.all(lanes);
  send({ type: 'ready', sockets: pages.length, connectMs: performance.now() - started });
  let cpu0 = process.cpuUsage();

  process.on('message', (msg: { cmd?: string }) => {
    if (msg.cmd === 'reset') {
      ids = [];
      nodes = [];
      times = [];
      seen = seen.map(() => new Set());
      duplicates = 0;
      cpu0 = process.cpuUsage();
      send({ type: 'reset' });
    } else if (msg.cmd === 'count') {
      send({ type: 'count', n: times.length });
    } else if (msg.cmd === 'report') {
      // This process's own CPU since the last reset (process.cpuUsage: user and system, µs).
      const cpu = process.cpuUsage(cpu0);
      send({ type: 'report', ids, nodes, times, duplicates, disconnects, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 });
    } else if (msg.cmd === 'close') {
      for (const p of pages) p.close();
      process.disconnect();
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
