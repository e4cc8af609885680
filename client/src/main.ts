import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, Snapshot } from '../../server/realtime/realtime-server.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { mountAlertsPanel } from './alerts-panel.ts';
import { createRiskChart, type HistoryPoint, type RollingPoint } from './risk-chart.ts';
import { mountExportControls } from './export-controls.ts';
import { mountFeedsPanel } from './feeds-panel.ts';
import { mountHealthPill } from './health-pill.ts';
import { createStatementFeed } from './statement-feed.ts';
import { renderSummary } from './summary-cards.ts';
import { offerScopes, refreshTopScopes } from './top-scopes.ts';
import { dotsQuery, markPanel, RANGES, rollingQuery, scopeLabel, type ChartView } from './chart-view.ts';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const connection = $('#connection');
const chartUpdated = $('#chart-updated');
const chart = createRiskChart($<HTMLCanvasElement>('#risk-chart'));
const feed = createStatementFeed($<HTMLOListElement>('#statement-list'));
const exportControls = mountExportControls($('#export-controls'));

function setConnection(state: 'connecting' | 'live' | 'offline', label: string) {
  connection.dataset.state = state;
  connection.textContent = label;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const view: ChartView = { range: '24h', scope: 'global' };
const rangeSelect = $<HTMLSelectElement>('#chart-range');
const scopeSelect = $<HTMLSelectElement>('#chart-scope');

/**
 * Redraws the chart for the view on screen: the rolling index (1 h window every 5 minutes over
 * 24 h; longer windows for longer ranges) and each minute's or hour's highest score.
 */
let drawing = 0;
async function drawChart(): Promise<void> {
  const spec = RANGES[view.range]!;
  const mine = ++drawing; // a later redraw (range or scope changed meanwhile) wins
  try {
    const rolling = await getJson<{ from: string; to: string; points: RollingPoint[] }>(rollingQuery(view, cardsAt));
    const q = { from: Date.parse(rolling.from), to: Date.parse(rolling.to) };
    const dots = await getJson<{ points: HistoryPoint[] }>(dotsQuery(view, q.from, q.to));
    if (mine !== drawing) return;
    chart.update(rolling.points, dots.points, { from: q.from, to: q.to + 60_000, unit: spec.unit, window: spec.window });
    markPanel($('#chart-panel'), view, q.from, q.to);
    $('#chart-title').textContent = `${scopeLabel(view.scope)} risk index, ${spec.label}`;
    const top = await refreshTopScopes();
    offerScopes(scopeSelect, top, view.scope);
    chartUpdated.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    console.warn('could not refresh the chart', err);
  }
}

rangeSelect.addEventListener('change', () => {
  view.range = rangeSelect.value in RANGES ? rangeSelect.value : '24h';
  void drawChart().then(() => exportControls.followView());
});
scopeSelect.addEventListener('change', () => {
  view.scope = scopeSelect.value || 'global';
  void drawChart();
});

let chartTimer: ReturnType<typeof setTimeout> | null = null;
/** Coalesces bursts of metric updates into one redraw per second. */
function refreshChart() {
  if (chartTimer) return;
  chartTimer = setTimeout(() => {
    chartTimer = null;
    void drawChart();
  }, 1000);
}

// The chart is read at the cards' time, so its line ends at the 1 h card's number.
let cardsAt: string | undefined;
function showCurrent(m: CurrentMetrics) {
  renderSummary($('#summary'), m);
  cardsAt = m.at;
}

// Windows move with the clock even when nothing is said: cards and chart are re-read together
// once a minute.
setInterval(() => {
  getJson<CurrentMetrics>('/api/metrics/current')
    .then((m) => {
      showCurrent(m);
      void drawChart();
    })
    .catch((err: unknown) => console.warn('could not refresh the cards', err));
}, 60_000);

const socket: Socket<ServerToClient, ClientToServer> = io({ transports: ['websocket', 'polling'] });
mountAlertsPanel($('#alerts-panel'), socket);
mountFeedsPanel($('#feeds-panel'), socket);
mountHealthPill(connection, socket);
socket.on('connect', () => setConnection('live', 'live'));
socket.on('disconnect', () => setConnection('offline', 'offline: reconnecting…'));
socket.io.on('reconnect_attempt', () => setConnection('connecting', 'reconnecting…'));
socket.on('connect_error', () => setConnection('offline', 'offline: server unreachable'));

socket.on('snapshot', (s: Snapshot) => {
  feed.reset(s.statements);
  showCurrent(s.metrics);
  // The badge shows while any number on screen includes demo rows: shown at once, hidden only
  // once the chart and top lists are redrawn without them (the feed and cards are already).
  const badge = $('#demo-badge');
  const demoData = s.demoData === true;
  if (demoData) badge.hidden = false;
  void drawChart().then(() => {
    if (!demoData) badge.hidden = true;
  });
});
socket.on('statementScored', (s) => feed.add(s));
socket.on('metricsUpdated', (m) => {
  showCurrent(m.current);
  refreshChart();
});
