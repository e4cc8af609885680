import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, Snapshot } from '../../server/realtime/realtime-server.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { mountAlertsPanel } from './alerts-panel.ts';
import { createRiskChart, type HistoryPoint } from './risk-chart.ts';
import { mountExportControls } from './export-controls.ts';
import { mountFeedsPanel } from './feeds-panel.ts';
import { createStatementFeed } from './statement-feed.ts';
import { renderSummary } from './summary-cards.ts';

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

function drawHistory(points: HistoryPoint[]) {
  const to = Date.now();
  chart.update(points, { from: to - DAY, to: to + 60_000 });
  chartUpdated.textContent = `updated ${new Date().toLocaleTimeString()}`;
}

let historyTimer: ReturnType<typeof setTimeout> | null = null;
/** Coalesces bursts of metric updates into one history request per second. */
function refreshHistory() {
  if (historyTimer) return;
  historyTimer = setTimeout(async () => {
    historyTimer = null;
    try {
      const res = await fetch(`/api/metrics/history?bucket=minute&from=${Date.now() - DAY}&to=${Date.now() + 60_000}`);
      if (!res.ok) throw new Error(`history: HTTP ${res.status}`);
      const body = (await res.json()) as { points: HistoryPoint[] };
      drawHistory(body.points);
    } catch (err) {
      console.warn('could not refresh the chart', err);
    }
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
  drawHistory(s.history);
  $('#demo-badge').hidden = !(s.demo === 'auto' && s.statements.some((x) => x.isDemo));
});
socket.on('statementScored', (s) => feed.add(s));
socket.on('metricsUpdated', (m) => {
  showCurrent(m.current);
  refreshHistory();
});
