/**
 * A scope's page (/actor/Russia, /dyad/Russia/Ukraine, /category/nuclear-wmd): its index now
 * (1 h, 24 h, 7 d), its chart over the chosen range, who and what its statements involve, its
 * alerts, and its statements in the range. An unknown scope says "no such actor" and offers
 * the nearest known names. Range, custom from/to and zone live in the URL. It follows new data live.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import type { StatementView } from '../../server/store/statements-repo.ts';
import type { DrillSummary } from '../../server/metrics/drill-service.ts';
import type { NameCount, ScopeMatch } from '../../server/store/drill-queries.ts';
import { createDrillChart } from './chart-draw.ts';
import { RANGES, specOf, type ChartView } from './chart-view.ts';
import { el } from './dom.ts';
import { levelMark, levelOf } from './level-style.ts';
import { createRangeInputs } from './range-inputs.ts';
import { displayName, scopeLink } from './scope-links.ts';
import { renderStatementList, statementRow } from './statement-rows.ts';
import { createZoneSwitch, formatDateTime, onZoneChange, zoneMode } from './time-zone.ts';
import { readUrlView, writeUrlView } from './url-state.ts';

const KIND_WORD = { actor: 'actor', dyad: 'dyad', category: 'category' } as const;
type Kind = keyof typeof KIND_WORD;

async function fetchJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

function nameList(title: string, id: string, items: NameCount[], scopeOf: (name: string) => string, empty: string): HTMLElement {
  const list = el('ol', { class: 'top-list', id });
  if (items.length === 0) list.append(el('li', { class: 'muted' }, empty));
  for (const i of items) {
    list.append(el('li', { 'data-scope': scopeOf(i.name) }, scopeLink(scopeOf(i.name), displayName(i.name)), el('span', { class: 'num' }, `${i.count} · max ${i.maxScore ?? '–'}`)));
  }
  return el('div', {}, el('h3', {}, title), list);
}

function notFound(main: HTMLElement, kind: Kind, name: string, message: string, suggestions: ScopeMatch[]) {
  const title = main.querySelector('#drill-title') as HTMLElement;
  const shown = kind === 'dyad' ? displayName(name) : name;
  title.textContent = `No such ${KIND_WORD[kind]}: ${shown}`;
  document.title = `No such ${KIND_WORD[kind]}: ${shown} · Brinkwatch`;
  (main.querySelector('#drill-subtitle') as HTMLElement).textContent = `${message.charAt(0).toUpperCase()}${message.slice(1)}. Names are those the scorer gives speakers, targets and signal categories.`;
  const head = main.querySelector('.drill-head') as HTMLElement;
  if (suggestions.length > 0) {
    head.append(el('p', {}, 'Did you mean:'), el('ul', { class: 'suggestions', id: 'suggestions' }, ...suggestions.map((s) => el('li', {}, scopeLink(s.scope), el('span', { class: 'muted' }, ` · ${s.count} statements`)))));
  }
  head.append(el('p', {}, el('a', { href: '/' }, 'Back to the dashboard'), ' — or find a scope with the search on its chart.'));
  (document.querySelector('#crumb') as HTMLElement).textContent = 'not found';
  main.removeAttribute('aria-busy');
  title.focus();
}

export async function mountScopePage(main: HTMLElement, kind: Kind, name: string): Promise<void> {
  const url = readUrlView(location.search);
  let view: ChartView = { range: url.range, scope: `${kind}:${name}`, from: url.from, to: url.to };
  const first = await fetchJson<DrillSummary & { error?: { message: string; details?: { suggestions: ScopeMatch[] } } }>(
    `/api/drill?${new URLSearchParams({ scope: view.scope })}`,
  );
  if (first.status === 404 || first.body.error) {
    notFound(main, kind, name, first.body.error?.message ?? 'not found', first.body.error?.details?.suggestions ?? []);
    return;
  }
  view = { ...view, scope: first.body.scope };
  const label = displayName(first.body.name);
  const title = main.querySelector('#drill-title') as HTMLElement;
  title.textContent = kind === 'category' ? `Category: ${label}` : label;
  document.title = `${label} · Brinkwatch`;
  title.focus();
  (document.querySelector('#crumb') as HTMLElement).textContent = `${KIND_WORD[kind]}: ${label}`;
  const subtitle = main.querySelector('#drill-subtitle') as HTMLElement;

  const cards = el('section', { class: 'cards', id: 'drill-cards', 'aria-label': `${label} risk index now` });
  const rangeSelect = el('select', { id: 'chart-range' }, ...Object.entries({ ...Object.fromEntries(Object.entries(RANGES).map(([k, r]) => [k, r.label])), custom: 'custom…' }).map(([v, t]) => el('option', { value: v }, t)));
  const rangeInputs = createRangeInputs((from, to) => void go({ ...view, range: 'custom', from, to }, true));
  const chartTitle = el('h2', { id: 'chart-title' });
  const chartPanel = el('section', { class: 'panel chart-panel', id: 'chart-panel' }, el('div', { class: 'panel-head' }, chartTitle, el('span', { class: 'chart-controls' }, el('label', {}, 'Range ', rangeSelect), rangeInputs.element, createZoneSwitch())));
  const lists = el('section', { class: 'panel top-panel', id: 'drill-lists', 'aria-label': 'Who and what' });
  const alertsBox = el('section', { class: 'panel', id: 'drill-alerts', 'aria-label': 'Alerts' });
  const statements = el('ol', { class: 'statements', id: 'drill-statements' });
  const more = el('button', { type: 'button', id: 'drill-more', hidden: '' }, 'Load older statements');
  const statementsTitle = el('h2', { id: 'drill-statements-title' });
  main.append(cards, chartPanel, lists, alertsBox, el('section', { class: 'panel feed-panel' }, statementsTitle, statements, more));
  const chart = createDrillChart(chartPanel, { label: `${label} risk index`, onZoom: (from, to) => void go({ ...view, range: 'custom', from, to }, true) });

  rangeSelect.addEventListener('change', () => {
    if (rangeSelect.value === 'custom') {
      rangeInputs.show(true, Number(chartPanel.dataset.from), Number(chartPanel.dataset.to));
      rangeInputs.focus();
      return;
    }
    void go({ ...view, range: rangeSelect.value, from: undefined, to: undefined }, true);
  });
  onZoneChange(() => void go(view, false));
  window.addEventListener('popstate', () => {
    const u = readUrlView(location.search);
    void go({ ...view, range: u.range, from: u.from, to: u.to }, false);
  });

  let cursor: string | null = null;
  let olderLoaded = false;
  async function loadStatements(from: number, to: number, append: boolean) {
    olderLoaded = append;
    const q = new URLSearchParams({ scope: view.scope, from: String(from), to: String(to), limit: '50' });
    if (append && cursor) q.set('cursor', cursor);
    const { body } = await fetchJson<{ statements: StatementView[]; nextCursor: string | null }>(`/api/statements?${q}`);
    if (append) statements.append(...body.statements.map(statementRow));
    else renderStatementList(statements, body.statements, 'No scored statements in this range.');
    cursor = body.nextCursor;
    more.hidden = cursor === null;
  }
  more.addEventListener('click', () => {
    void loadStatements(Number(chartPanel.dataset.from), Number(chartPanel.dataset.to), true);
  });

  /** `live`: a refresh on new data; the statement list stays as it is once older pages were loaded. */
  async function go(next: ChartView, push: boolean, live = false) {
    view = next;
    writeUrlView({ ...view, scope: 'global', tz: zoneMode() }, push);
    rangeSelect.value = view.range;
    main.setAttribute('aria-busy', 'true');
    const drawn = await chart.draw(view);
    if (!drawn) return;
    const rangeLabel = view.range === 'custom' ? `${formatDateTime(drawn.from)} – ${formatDateTime(drawn.to)}` : specOf(view).label;
    chartTitle.textContent = `${label} risk index, ${rangeLabel}`;
    rangeInputs.show(view.range === 'custom', drawn.from, drawn.to);
    const { body: s } = await fetchJson<DrillSummary>(`/api/drill?${new URLSearchParams({ scope: view.scope, from: String(drawn.from), to: String(drawn.to + 60_000) })}`);
    renderSummary(s, rangeLabel);
    statementsTitle.textContent = `Statements, ${rangeLabel}`;
    if (!(live && olderLoaded)) await loadStatements(drawn.from, drawn.to + 60_000, false);
    main.removeAttribute('aria-busy');
  }

  function renderSummary(s: DrillSummary, rangeLabel: string) {
    const kindText = kind === 'actor' ? 'speaker' : kind === 'dyad' ? 'speaker → target' : 'signal category';
    subtitle.textContent = `${kindText} · ${s.total.toLocaleString()} scored statements in all`;
    cards.replaceChildren(
      ...Object.values(s.current.windows).map((w) =>
        el(
          'article',
          { class: 'card', 'data-window': w.window, 'data-enough-data': String(w.enoughData) },
          el('h2', {}, `Last ${w.window}`),
          el('p', { class: w.index === null ? 'value' : `value level-${levelOf(w.index)}` }, w.index === null ? '–' : w.index.toFixed(1)),
          // the level as a word and a shape, as on the dashboard's cards (never colour alone)
          el('p', { class: 'level-word' }, ...(w.index === null ? [] : [levelMark(levelOf(w.index))])),
          el('p', { class: 'meta' }, w.index === null ? `not enough data (${w.count} statements)` : `${w.count} statements · max ${Math.round(w.maxScore ?? 0)}`),
        ),
      ),
    );
    const own = s.name;
    const parts: HTMLElement[] = [];
    if (kind === 'actor') {
      parts.push(nameList(`${label} speaks about`, 'drill-targets', s.targets, (n) => `dyad:${own}>${n}`, 'no targets named'));
      parts.push(nameList(`Who speaks about ${label}`, 'drill-targeted-by', s.targetedBy, (n) => `dyad:${n}>${own}`, 'nobody names it as a target'));
    } else if (kind === 'dyad') {
      const [a, b] = own.split('>') as [string, string];
      parts.push(el('div', {}, el('h3', {}, 'The other way'), el('p', {}, scopeLink(`dyad:${b}>${a}`)), el('h3', {}, 'Each side'), el('p', {}, scopeLink(`actor:${a}`), ' · ', scopeLink(`actor:${b}`))));
      parts.push(nameList('Also named', 'drill-targets', s.targets, (n) => `dyad:${a}>${n}`, 'no other targets'));
    } else {
      parts.push(nameList('Top speakers', 'drill-speakers', s.speakers, (n) => `actor:${n}`, 'no speakers'));
      parts.push(nameList('Top targets', 'drill-targets', s.targets, (n) => `actor:${n}`, 'no targets named'));
    }
    parts.push(nameList('Signal categories', 'drill-categories', s.categories.filter((c) => !(kind === 'category' && c.name === own)), (n) => `category:${n}`, 'no other categories'));
    lists.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, `Who and what, ${rangeLabel}`), el('span', { class: 'muted' }, 'statements · highest score')), el('div', { class: 'top-grid' }, ...parts));
    const alertItems = s.alerts.map((a) =>
      el(
        'li',
        { class: `alert-item state-${a.state}`, 'data-alert-id': String(a.id) },
        el('span', { class: `badge severity-${a.severity}` }, a.severity),
        ' ',
        el('span', { class: 'badge state' }, a.state),
        ' ',
        el('a', { href: `/alert/${a.id}` }, a.ruleName),
        el('span', { class: 'muted' }, ` · started ${formatDateTime(a.startedAt)}${a.resolvedAt ? ` · ended ${formatDateTime(a.resolvedAt)}` : ''}`),
      ),
    );
    const rules = s.rules.length === 0 ? 'No alert rule watches this scope.' : `Rules watching it: ${s.rules.map((r) => `${r.name} (${r.window} ${r.metric} ≥ ${r.threshold})`).join('; ')}.`;
    alertsBox.replaceChildren(el('h2', {}, 'Alerts'), el('p', { class: 'muted' }, rules), el('ol', { class: 'alert-list', id: 'drill-alert-list' }, ...(alertItems.length > 0 ? alertItems : [el('li', { class: 'muted' }, 'No alerts.')])));
  }

  await go(view, false);
  followLive(() => go(view, false, true), () => view.scope);
}

/**
 * Live, like the dashboard: when statements of this scope are scored (metricsUpdated names the
 * scopes a batch changed), an alert changes, and every minute (windows slide with time), the
 * page is read again: cards, chart, lists, alerts and, unless older pages were loaded, its
 * statements. One refresh at a time, and one more queued behind it however many events arrive.
 */
function followLive(refresh: () => Promise<void>, scope: () => string): void {
  let running = false;
  let queued = false;
  const run = async () => {
    if (running) {
      queued = true;
      return;
    }
    running = true;
    try {
      await refresh();
    } catch (err) {
      console.warn('could not refresh the page', err);
    } finally {
      running = false;
      if (queued) {
        queued = false;
        void run();
      }
    }
  };
  const socket: Socket<ServerToClient, ClientToServer> = io({ transports: ['websocket', 'polling'] });
  socket.on('metricsUpdated', (m) => {
    if (m.scopes.includes(scope())) void run();
  });
  socket.on('alertChanged', () => void run());
  setInterval(() => {
    if (socket.connected && !document.hidden) void run();
  }, 60_000);
}
