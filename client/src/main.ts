import { applyStoredTheme, mountThemeSwitch } from './theme.ts';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient, Snapshot } from '../../server/realtime/realtime-server.ts';
import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
import { mountAccountBar } from './account-bar.ts';
import { mountAlertsPanel } from './alerts-panel.ts';
import { createRiskChart, type HistoryPoint, type RollingPoint } from './risk-chart.ts';
import { mountExportControls } from './export-controls.ts';
import { mountFeedsPanel } from './feeds-panel.ts';
import { mountHealthPill } from './health-pill.ts';
import { createConnectionState } from './connection-state.ts';
import type { FeedPage } from './feed-paging.ts';
import { loadSession, session } from './session.ts';
import { createStatementFeed } from './statement-feed.ts';
import { mountLangFilter } from './lang-filter.ts';
import { renderSummary } from './summary-cards.ts';
import { mountChartSummary } from './chart-summary.ts';
import { mountEvidencePopover } from './evidence-popover.ts';
import { createFeedAnnouncer } from './feed-announcer.ts';
import { offerScopes, refreshTopScopes } from './top-scopes.ts';
import { dotsQuery, markPanel, RANGES, rollingQuery, scopeLabel, type ChartView } from './chart-view.ts';
import { specOf } from './chart-view.ts';
import { mountAlertSignal } from './alert-signal.ts';
import { attachChartExtras } from './chart-extras.ts';
import { createRangeInputs } from './range-inputs.ts';
import { createScopeSearch } from './scope-search.ts';
import { scopeLink } from './scope-links.ts';
import { createZoneSwitch, onZoneChange, setZoneMode, zoneMode } from './time-zone.ts';
import { readUrlView, writeUrlView } from './url-state.ts';
import { mountSearchPanel } from './search-panel.ts';
import { mountFeedbackSummary } from './feedback-summary.ts';
import { onFeedbackStored } from './feedback-control.ts';
import { getJson } from './fetch-json.ts';
import { createChartMessage, createStaleBanner } from './status-elements.ts';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const connection = $('#connection');
const chartUpdated = $('#chart-updated');
applyStoredTheme(); // before the chart reads its colours
const chart = createRiskChart($<HTMLCanvasElement>('#risk-chart'));
const chartSummary = mountChartSummary($<HTMLCanvasElement>('#risk-chart'), $('#chart-text'));
mountThemeSwitch($('.topbar'), () => chart.recolor());
const exportControls = mountExportControls($('#export-controls'));

// "Offline / degraded: data as of HH:MM": a banner above the data, and the attribute that dims it.
const staleBanner = createStaleBanner($('main'));
// The health indicator reports the server's status with page.setServerHealth(status, reason).
const page = createConnectionState({ banner: staleBanner });

function setConnection(state: 'connecting' | 'live' | 'offline', label: string) {
  connection.dataset.state = state;
  connection.textContent = label;
}

const SNAPSHOT_PAGE = 50; // the server's snapshot holds the newest 50 statements
const feed = createStatementFeed($<HTMLOListElement>('#statement-list'), async (url) => {
  const p = await getJson<FeedPage>(url);
  page.dataReceived();
  return p;
});

mountEvidencePopover($('main'));
const announcer = createFeedAnnouncer($('#feed-announcer'));
// The empty feed's curl line names this server.
$('#feed-empty-curl').textContent = $('#feed-empty-curl').textContent!.replace('http://127.0.0.1:3000', location.origin);
mountLangFilter($('.feed-panel .panel-head'), feed);
// Search and filters (their state in the URL), and analysts' feedback on scores.
mountSearchPanel($('#search-panel'), getJson<FeedPage>);
const feedbackSummary = mountFeedbackSummary($('#feedback-panel'));
onFeedbackStored(() => void feedbackSummary.refresh());

const rangeSelect = $<HTMLSelectElement>('#chart-range');
const scopeSelect = $<HTMLSelectElement>('#chart-scope');
const chartPanel = $('#chart-panel');
const chartMessage = createChartMessage($('#chart-panel .panel-head'));

/**
 * `shown` is what the chart draws; `wanted` what the pickers say. A change is drawn when its
 * data arrives; if it cannot be fetched (offline, server error) the pickers go back to what
 * the chart shows and a message says so, so picker and chart never disagree for longer than
 * one request. Only the latest request may draw.
 */
// The view starts from the address bar (range, scope, from, to, tz), so a pasted link shows it.
const fromUrl = readUrlView(location.search);
setZoneMode(fromUrl.tz);
let shown: ChartView = { range: fromUrl.range, scope: fromUrl.scope, from: fromUrl.from, to: fromUrl.to };
let wanted: ChartView = { ...shown };
let drawSeq = 0;
const rangeText = (v: ChartView) => specOf(v).label;
const describe = (v: ChartView) => `${scopeLabel(v.scope)}, ${rangeText(v)}`;
const rangeInputs = createRangeInputs((from, to) => {
  wanted = { ...wanted, range: 'custom', from, to };
  void drawChart(true);
});
const extras = attachChartExtras({
  chart: chart.chart,
  box: $('#chart-panel .chart-box'),
  scopeText: scopeLabel,
  rangeText: (v) => (v.range === 'custom' ? 'chosen range' : rangeText(v)),
  onZoom: (from, to) => {
    wanted = { ...wanted, range: 'custom', from, to };
    void drawChart(true);
  },
});

async function drawChart(userChange = false): Promise<void> {
  const target = { ...wanted };
  const seq = ++drawSeq;
  const spec = specOf(target);
  chartPanel.dataset.loading = 'true';
  try {
    // Read at the cards' time, so the line ends at the 1 h card's number; the dots cover the
    // same range as the line.
    const rolling = await getJson<{ from: string; to: string; points: RollingPoint[] }>(rollingQuery(target, cardsAt));
    const q = { from: Date.parse(rolling.from), to: Date.parse(rolling.to) };
    const dots = await getJson<{ points: HistoryPoint[] }>(dotsQuery(target, q.from, q.to));
    if (seq !== drawSeq) return;
    const rangeChanged = target.range !== shown.range || target.from !== shown.from || target.to !== shown.to;
    chart.update(rolling.points, dots.points, { from: q.from, to: q.to + 60_000, unit: spec.unit, window: spec.window });
    shown = target;
    markPanel(chartPanel, target, q.from, q.to);
    if (rangeChanged) exportControls.followView();
    $('#chart-title').textContent = `${scopeLabel(target.scope)} risk index, ${spec.label}`;
    chartSummary.update(`${scopeLabel(target.scope)} risk index, ${spec.label}`, rolling.points, dots.points);
    $('#risk-chart').setAttribute('aria-label', `${scopeLabel(target.scope)} risk index over the ${spec.label}`);
    writeUrlView({ ...target, tz: zoneMode() }, userChange);
    rangeSelect.value = target.range;
    rangeInputs.show(target.range === 'custom', q.from, q.to);
    void extras.drawn({ view: target, from: q.from, to: q.to, rolling: rolling.points, dots: dots.points });
    // The title names a custom range by its bounds and links the scope to its drill-down page.
    const titleRange = target.range === 'custom' ? rangeInputs.describe(q.from, q.to) : spec.label;
    $('#chart-title').replaceChildren(target.scope === 'global' ? 'Global' : scopeLink(target.scope, scopeLabel(target.scope)), ` risk index, ${titleRange}`);
    chartMessage.hidden = true;
    page.dataReceived();
    chartUpdated.textContent = `updated ${new Date().toLocaleTimeString()}`;
    const top = await refreshTopScopes();
    if (seq === drawSeq) offerScopes(scopeSelect, top, wanted.scope);
  } catch (err) {
    if (seq !== drawSeq) return;
    const changed = target.range !== shown.range || target.scope !== shown.scope;
    wanted = { ...shown };
    rangeSelect.value = shown.range;
    scopeSelect.value = shown.scope;
    rangeInputs.show(shown.range === 'custom', shown.from ?? 0, shown.to ?? 0);
    if (changed) {
      chartMessage.textContent = `Could not load ${describe(target)}${socket.connected ? '' : ' while offline'}; the chart still shows ${describe(shown)}.`;
      chartMessage.hidden = false;
    }
    console.warn('could not refresh the chart', err);
  } finally {
    if (seq === drawSeq) delete chartPanel.dataset.loading;
  }
}

rangeSelect.addEventListener('change', () => {
  if (rangeSelect.value === 'custom') {
    // The custom range starts as the range on screen; the from/to inputs then change it.
    const from = Number(chartPanel.dataset.from);
    const to = Number(chartPanel.dataset.to);
    rangeInputs.show(true, from, to);
    rangeInputs.focus();
    return;
  }
  wanted = { ...wanted, range: rangeSelect.value in RANGES ? rangeSelect.value : '24h', from: undefined, to: undefined };
  void drawChart(true);
});
scopeSelect.addEventListener('change', () => {
  wanted = { ...wanted, scope: scopeSelect.value || 'global' };
  void drawChart(true);
});
rangeSelect.after(rangeInputs.element);
rangeSelect.value = shown.range;
$('#chart-panel .chart-controls').append(
  createScopeSearch((scope) => {
    wanted = { ...wanted, scope };
    void drawChart(true);
  }),
  createZoneSwitch(),
);
onZoneChange(() => {
  writeUrlView({ ...shown, tz: zoneMode() });
  void drawChart();
});
// Back and Forward move between views (each change of range, scope or zoom is a history entry).
window.addEventListener('popstate', () => {
  const v = readUrlView(location.search);
  setZoneMode(v.tz);
  wanted = { range: v.range, scope: v.scope, from: v.from, to: v.to };
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
  page.dataReceived();
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

// Accounts: who is signed in (and the CSRF token for writes); without a session, when reads
// are not public, the sign-in page instead (the server redirects / there too).
const signedIn = await loadSession().catch(() => session());
if (!signedIn.user && !signedIn.publicRead) location.replace('/signin');
mountAccountBar($('#account'));

// push=batch: one batchScored message per scored batch (statements and metrics together).
const socket: Socket<ServerToClient, ClientToServer> = io({ transports: ['websocket', 'polling'], query: { push: 'batch' } });
mountAlertsPanel($('#alerts-panel'), socket);
// The alert list scrolls within a fixed height (no jump on load): reachable by keyboard too.
document.querySelector('#alerts-panel .alert-list')?.setAttribute('tabindex', '0');
mountAlertSignal(socket, $('.topbar'));
socket.on('annotationsChanged', () => void extras.refreshOverlays());
socket.on('alertChanged', () => void extras.refreshOverlays());
mountFeedsPanel($('#feeds-panel'), socket);
mountHealthPill(connection, socket, (status, reason) => page.setServerHealth(status, reason));
socket.on('connect', () => setConnection('live', 'live'));
socket.on('disconnect', () => {
  setConnection('offline', 'offline: reconnecting…');
  page.setSocket('offline');
});
socket.io.on('reconnect_attempt', () => {
  setConnection('connecting', 'reconnecting…');
  page.setSocket('connecting');
});
socket.on('connect_error', () => {
  setConnection('offline', 'offline: server unreachable');
  page.setSocket('offline');
  // The socket is refused once the session has ended (signed out elsewhere, revoked, expired).
  void loadSession().then(
    (s) => {
      if (!s.user && !s.publicRead) location.replace('/signin');
    },
    () => undefined,
  );
});

// Every (re)connection starts from a fresh snapshot: cards, feed, chart and top lists.
socket.on('snapshot', (s: Snapshot) => {
  feed.reset(s.statements, SNAPSHOT_PAGE);
  showCurrent(s.metrics);
  page.setSocket('live');
  // The badge shows while any number on screen includes demo rows: shown at once, hidden only
  // once the chart and top lists are redrawn without them (the feed and cards are already).
  const badge = $('#demo-badge');
  const demoData = s.demoData === true;
  if (demoData) badge.hidden = false;
  void drawChart().then(() => {
    if (!demoData) badge.hidden = true;
  });
});
// A batch's statements in full when few, else its ids (a "N new statements" marker), then its metrics.
socket.on('batchScored', (b) => {
  if (b.statements.length === b.ids.length) {
    for (const s of b.statements) {
      feed.add(s);
      announcer.one(s);
    }
  } else {
    feed.addBulk(b.ids);
    announcer.many(b.ids.length);
  }
  page.dataReceived();
  showCurrent(b.metrics.current);
  refreshChart();
});

// Windows slide with time even when nothing new is said: re-read the cards and the chart every
// minute while live, so "last hour" always means the last hour.
setInterval(() => {
  if (!socket.connected || document.hidden) return;
  void getJson<CurrentMetrics>('/api/metrics/current')
    .then(showCurrent)
    .catch((err: unknown) => console.warn('could not refresh the cards', err));
  refreshChart();
}, 60_000);
