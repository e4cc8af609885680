/**
 * A socket.io page as the wire sees it, on the `ws` package alone: the Engine.IO v4 / Socket.IO
 * v5 protocol over one WebSocket (what socket.io-client speaks with `transports: ['websocket']`),
 * for the fan-out's 3,000 clients. Every frame is received and decoded as a string and every
 * packet read by its type: the open packet is answered with the namespace connect, pings with
 * pongs (or the server would close the socket after pingTimeout), a connect error fails the
 * connection, and of events the name and, for the ones that announce statements, the ids
 * (read from the start of the message, as scripts/bench/cluster-clients.ts's parser for
 * socket.io-client does). It costs about half the CPU per message of socket.io-client with that
 * parser (measured: 12 against 20-22 µs), CPU that on one machine is taken from the nodes.
 */
import WebSocket from 'ws';

/** Engine.IO packet types (the first character of every text frame). */
const OPEN = '0';
const CLOSE = '1';
const PING = '2';
const MESSAGE = '4';
/** Socket.IO packet types (the character after Engine.IO's MESSAGE). */
const SIO_CONNECT = '0';
const SIO_EVENT = '2';
const SIO_CONNECT_ERROR = '4';
const IDS_EVENT = /^\["(?:batchScored|statementsScoredInBulk)",\{"ids":\[([0-9,]*)\]/;
const ONE_EVENT = /^\["statementScored",\{"id":(\d+)/;
const SNAPSHOT = '["snapshot",';

export interface WsPage {
  close(): void;
}

/**
 * Connects to `url` (http(s) base of a node) with the handshake query `query`; resolves once the
 * page has its snapshot. `onIds` gets the ids of each statement event with the time the frame
 * was decoded; `onClose` runs when the connection ends.
 */
export function connectWsPage(url: string, query: Record<string, string>, now: () => number, onIds: (ids: number[], at: number) => void, onClose: () => void): Promise<WsPage> {
  const q = new URLSearchParams({ ...query, EIO: '4', transport: 'websocket' });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?${q}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    let live = false;
    const fail = (why: string) => {
      if (!live) reject(new Error(`socket to ${url} failed: ${why}`));
      ws.terminate();
    };
    const noSnapshot = setTimeout(() => fail('no snapshot within 30 s (the server\'s snapshot failed?)'), 30_000);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = now();
      if (isBinary) return fail('binary frames are not expected');
      const s = data.toString();
      const type = s[0];
      if (type === PING) return void ws.send('3');
      if (type === OPEN) return void ws.send(MESSAGE + SIO_CONNECT);
      if (type === CLOSE) return fail('the server closed the Engine.IO session');
      if (type !== MESSAGE) return;
      if (s[1] === SIO_CONNECT_ERROR) return fail(`connect error ${s.slice(2, 300)}`);
      if (s[1] !== SIO_EVENT) return;
      const body = s.slice(2);
      const many = IDS_EVENT.exec(body);
      if (many) return void onIds(many[1] ? many[1].split(',').map(Number) : [], at);
      const one = ONE_EVENT.exec(body);
      if (one) return void onIds([Number(one[1])], at);
      if (!live && body.startsWith(SNAPSHOT)) {
        live = true;
        clearTimeout(noSnapshot);
        resolve({ close: () => ws.close() });
      }
    });
    ws.on('error', (err) => fail(err.message));
    ws.on('close', () => {
      clearTimeout(noSnapshot);
      if (live) onClose();
      else reject(new Error(`socket to ${url} closed before its snapshot`));
    });
  });
}
