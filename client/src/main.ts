import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, Snapshot } from '../../server/realtime/realtime-server.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { mountAlertsPanel } from './alerts-panel.ts';
import { createRiskChart, type HistoryPoint, type RollingPoint } from './risk-chart.ts';
import { mountExportControls } from './export-controls.ts';
import { mountFeedsPanel } from './feeds-panel.ts';
import { createStatementFeed } from './statement-feed.ts';
import { renderSummary } from './summary-cards.ts';
import { refreshTopScopes } from './top-scopes.ts';

const DAY = 86_400_000;

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const connection = $('#connection');
const chartUpdated = $('#chart-updated');
const chart = createRiskChart($<HTMLCanvasElement>('#risk-chart'));
const feed = createStatementFeed($<HTMLOListElement>('#statement-list'));
mountExportControls($('#export-controls'));

function setConnection(state: 'connecting' | 'live' | 'offline', label: string) {
  connection.dataset.state = state;
  connection.textContent = label;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Redraws the chart: the rolling 1 h index every 5 minutes, and each minute's highest score. */
async function drawChart(): Promise<void> {
  const to = Date.now();
  const from = to - DAY;
  try {
    const [rolling, minutes] = await Promise.all([
      getJson<{ points: RollingPoint[] }>(`/api/metrics/rolling?window=1h&step=5m&from=${from}&to=${to}`),
      getJson<{ points: HistoryPoint[] }>(`/api/metrics/history?bucket=minute&from=${from}&to=${to + 60_000}`),
    ]);
    chart.update(rolling.points, minutes.points, { from, to: to + 60_000 });
    await refreshTopScopes();
    chartUpdated.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    console.warn('could not refresh the chart', err);
  }
}

let chartTimer: ReturnType<typeof setTimeout> | null = null;
/** Coalesces bursts of metric updates into one redraw per second. */
function refreshChart() {
  if (chartTimer) return;
  chartTimer = setTimeout(() => {
    chartTimer = null;
    void drawChart();
  }, 1000);
}

function showCurrent(m: CurrentMetrics) {
  renderSummary($('#summary'), m);
}

const socket: Socket<ServerToClient, ClientToServer> = io({ transports: ['websocket', 'polling'] });
mountAlertsPanel($('#alerts-panel'), socket);
mountFeedsPanel($('#feeds-panel'), socket);
socket.on('connect', () => setConnection('live', 'live'));
socket.on('disconnect', () => setConnection('offline', 'offline: reconnecting…'));
socket.io.on('reconnect_attempt', () => setConnection('connecting', 'reconnecting…'));
socket.on('connect_error', () => setConnection('offline', 'offline: server unreachable'));

socket.on('snapshot', (s: Snapshot) => {
  feed.reset(s.statements);
  showCurrent(s.metrics);
  void drawChart();
  $('#demo-badge').hidden = !(s.demo === 'auto' && s.statements.some((x) => x.isDemo));
});
socket.on('statementScored', (s) => feed.add(s));
socket.on('metricsUpdated', (m) => {
  showCurrent(m.current);
  refreshChart();
});
