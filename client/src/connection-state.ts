/**
 * Whether the numbers on the page are live, as one attribute: document.body.dataset.connection
 * is 'live', 'offline', 'degraded' or 'connecting' (before the first snapshot). styles.css dims
 * the data areas (cards, chart, top lists, feed) when it is offline or degraded, and a banner
 * says since when the data dates: "as of HH:MM" in the browser's time zone, with the zone.
 *
 * Two inputs decide it: the socket (live only once a snapshot arrived after connecting, so the
 * dimming lifts when the numbers are fresh, not when the socket merely opens) and the server's
 * health as the page last learned it (setServerHealth: 'degraded' or 'failing' make the page
 * 'degraded' while the socket is live; offline wins over both).
 */
export type SocketState = 'connecting' | 'live' | 'offline';
export type ServerHealth = 'ok' | 'degraded' | 'failing';
export type PageState = 'connecting' | 'live' | 'offline' | 'degraded';

/** "14:05 GMT+5:30", or "30 Nov, 14:05 GMT+5:30" when not today (in the browser's zone). */
export function formatAsOf(at: number, now = Date.now(), locale?: string): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return new Intl.DateTimeFormat(locale, {
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
}

export function createConnectionState(opts: { body?: HTMLElement; banner: HTMLElement; now?: () => number }) {
  const body = opts.body ?? document.body;
  const now = opts.now ?? Date.now;
  let socket: SocketState = 'connecting';
  let health: ServerHealth = 'ok';
  let healthReason = '';
  let lastDataAt: number | null = null;

  function state(): PageState {
    if (socket !== 'live') return socket;
    return health === 'ok' ? 'live' : 'degraded';
  }

  function render(): void {
    const s = state();
    body.dataset.connection = s;
    const banner = opts.banner;
    banner.hidden = s === 'live' || (s === 'connecting' && lastDataAt === null);
    if (lastDataAt !== null) banner.dataset.asOf = String(lastDataAt);
    const asOf = lastDataAt === null ? 'no data received yet' : `data as of ${formatAsOf(lastDataAt, now())}`;
    banner.textContent =
      s === 'degraded'
        ? `Server ${health}${healthReason ? ` (${healthReason})` : ''}: the numbers may be behind; ${asOf}.`
        : `Offline: not updating; ${asOf}. Reconnecting…`;
  }

  render();
  return {
    setSocket(next: SocketState): void {
      // Reconnecting after being offline stays offline until the fresh snapshot arrives.
      socket = next === 'connecting' && socket === 'offline' ? 'offline' : next;
      render();
    },
    /** For the health indicator: the server's own status and its reason. */
    setServerHealth(next: ServerHealth, reason = ''): void {
      health = next;
      healthReason = reason;
      render();
    },
    /** Call whenever numbers from the server arrive (snapshot, push, a successful read). */
    dataReceived(at = now()): void {
      lastDataAt = at;
      if (state() !== 'live') render();
    },
    state,
    lastDataAt: () => lastDataAt,
  };
}

export type ConnectionState = ReturnType<typeof createConnectionState>;
