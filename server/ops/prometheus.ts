import type { RequestHandler, Request } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OpsQueries } from '../store/ops-queries.ts';

export interface PrometheusDeps {
  queries: OpsQueries;
  /** Browser pages connected to the live stream now. */
  clientCount: () => number;
  /** Whether this node leads now (server/cluster/leadership.ts): brinkwatch_leader; omitted, no such gauge. */
  isLeader?: () => boolean;
  now?: () => number;
  /** Node's process and runtime metrics (process_*, nodejs_*); off in tests that build many registries. */
  processMetrics?: boolean;
}

/** The route template of an answered request, never its raw path (bounded label values). */
export function routeLabel(req: Request): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof template === 'string') return `${req.baseUrl}${template}`;
  if (req.originalUrl.startsWith('/api/') || req.originalUrl === '/api') return 'unmatched';
  return 'static';
}

/**
 * One prom-client registry per app instance. Every value about stored data is read from the
 * database at scrape time (counts tables and indexes, see store/ops-queries.ts), so what
 * `/metrics` says is what the database holds, whichever process wrote it.
 */
export function createPrometheus(deps: PrometheusDeps) {
  const now = deps.now ?? Date.now;
  const registry = new Registry();
  if (deps.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const q = deps.queries;

  new Gauge({
    name: 'brinkwatch_statements',
    help: 'Stored statements by status and language (lang "" = not decided yet)',
    labelNames: ['status', 'lang'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of q.statementsByStatusLang()) this.set({ status: r.status, lang: r.lang }, r.n);
    },
  });
  new Gauge({
    name: 'brinkwatch_score_pending_statements',
    help: 'Statements waiting for the score job',
    registers: [registry],
    collect() {
      let n = 0;
      for (const r of q.statementsByStatusLang()) if (r.status === 'pending') n += r.n;
      this.set(n);
    },
  });
  new Gauge({
    name: 'brinkwatch_score_oldest_pending_age_seconds',
    help: 'Age of the oldest statement waiting for the score job (0 when none waits): the score job lag',
    registers: [registry],
    collect() {
      const at = q.oldestPendingAt();
      this.set(at === null ? 0 : Math.max(0, (now() - at) / 1000));
    },
  });

  const feedLabels = ['feed_id', 'feed'] as const;
  const feedFailures = new Gauge({
    name: 'brinkwatch_feed_consecutive_failures',
    help: 'Failed fetches of the feed since its last success',
    labelNames: feedLabels,
    registers: [registry],
    // One read of the feeds table fills the three feed gauges: this one is serialized first.
    collect() {
      this.reset();
      feedLastSuccess.reset();
      feedItems.reset();
      const t = now();
      for (const f of q.feeds()) {
        const labels = { feed_id: String(f.id), feed: f.name };
        this.set(labels, f.consecutiveFailures);
        feedItems.set(labels, f.itemsStored);
        if (f.lastSuccessAt !== null) feedLastSuccess.set(labels, Math.max(0, (t - f.lastSuccessAt) / 1000));
      }
    },
  });
  const feedLastSuccess = new Gauge({
    name: 'brinkwatch_feed_last_success_age_seconds',
    help: 'Seconds since the feed was last fetched successfully (absent: never)',
    labelNames: feedLabels,
    registers: [registry],
  });
  const feedItems = new Gauge({
    name: 'brinkwatch_feed_items_stored',
    help: 'Statements stored from the feed since it was added',
    labelNames: feedLabels,
    registers: [registry],
  });
  new Gauge({
    name: 'brinkwatch_alert_deliveries',
    help: 'Alert notifications in the outbox by state (pending, delivered, dead)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(q.deliveriesByState())) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'brinkwatch_alerts_open',
    help: 'Open alerts by state (pending, firing)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, n] of Object.entries(q.openAlerts())) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'brinkwatch_realtime_clients',
    help: 'Pages connected to the live stream (socket.io)',
    registers: [registry],
    collect() {
      this.set(deps.clientCount());
    },
  });
  const isLeader = deps.isLeader;
  if (isLeader) {
    // Per node (the scrape's `instance` tells them apart): summed over a cluster it should be 1.
    new Gauge({
      name: 'brinkwatch_leader',
      help: 'Whether this node runs the one-at-a-time jobs now (1) or not (0)',
      registers: [registry],
      collect() {
        this.set(isLeader() ? 1 : 0);
      },
    });
  }
  const latency = new Histogram({
    name: 'brinkwatch_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** Times every request until its response is finished (or the client goes away). */
  const observeHttp: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      latency.observe({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };

  return {
    registry,
    observeHttp,
    /** The exposition text (Prometheus text format 0.0.4). */
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Prometheus = ReturnType<typeof createPrometheus>;
