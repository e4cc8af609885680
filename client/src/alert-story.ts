/**
 * An alert's story (/alert/ID): the rule, its value over time with the threshold drawn and the
 * firing period shaded, the statements that made it fire (the top statements recorded when it
 * fired), every transition and every delivery with its status and attempts.
 */
import type { AlertView, DeliveryView, RuleView } from '../../server/alerts/alert-views.ts';
import type { AlertEventRecord } from '../../server/store/alerts-repo.ts';
import type { StatementView } from '../../server/store/statements-repo.ts';
import { createDrillChart } from './chart-draw.ts';
import { el } from './dom.ts';
import { scopeLink } from './scope-links.ts';
import { renderStatementList } from './statement-rows.ts';
import { createZoneSwitch, formatDateTime, onZoneChange, timeElement } from './time-zone.ts';
import { parseWindowMs } from './window-ms.ts';

const MINUTE = 60_000;

async function get<T>(url: string): Promise<T | null> {
  const res = await fetch(url);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const fmt = (v: number | null) => (v === null ? 'not enough data' : v.toFixed(1));

/** The chart's range: the rule's window (at least 6 h) before the episode, to a quarter of its length after it. */
export function storyRange(a: Pick<AlertView, 'startedAt' | 'resolvedAt'>, windowMs: number, now: number): { from: number; to: number } {
  const end = Math.min(now, a.resolvedAt ?? now);
  const lead = Math.max(windowMs, 6 * 3_600_000);
  const from = Math.floor((a.startedAt - lead) / MINUTE) * MINUTE;
  const to = Math.min(now, Math.ceil((end + Math.max((end - a.startedAt) / 4, 30 * MINUTE)) / MINUTE) * MINUTE);
  // The server draws at most 92 days: a longer episode shows its last 92 days.
  const end2 = Math.max(to, from + 2 * MINUTE);
  return { from: Math.max(from, end2 - 92 * 86_400_000), to: end2 };
}

/** A step that keeps the line to about 300 points and within the server's cost limit (points × window ≤ 400 days). */
export function storyStep(from: number, to: number, windowMs: number): string {
  const byPoints = (to - from) / 300;
  // points = ceil(range / step) + 1 must stay within floor(400 days / window).
  const byCost = (to - from) / Math.max(1, Math.floor((400 * 86_400_000) / windowMs) - 1);
  const minutes = Math.max(1, Math.ceil(Math.max(byPoints, byCost) / MINUTE));
  return `${minutes}m`;
}

export async function mountAlertStory(main: HTMLElement, idText: string): Promise<void> {
  const title = main.querySelector('#drill-title') as HTMLElement;
  const subtitle = main.querySelector('#drill-subtitle') as HTMLElement;
  const crumb = document.querySelector('#crumb') as HTMLElement;
  const id = /^\d{1,15}$/.test(idText) ? Number(idText) : NaN;
  const found = Number.isSafeInteger(id) && id > 0 ? await get<{ alert: AlertView }>(`/api/alerts/${id}`) : null;
  if (!found) {
    title.textContent = `No such alert: ${idText}`;
    subtitle.textContent = 'There is no alert with this number. The dashboard lists every alert.';
    crumb.textContent = 'not found';
    document.title = 'No such alert · Brinkwatch';
    main.removeAttribute('aria-busy');
    title.focus();
    return;
  }
  const a = found.alert;
  const [ruleRes, eventsRes, deliveriesRes] = await Promise.all([
    get<{ rule: RuleView }>(`/api/alert-rules/${a.ruleId}`),
    get<{ events: AlertEventRecord[] }>(`/api/alerts/${a.id}/events`),
    get<{ deliveries: DeliveryView[] }>(`/api/alerts/${a.id}/deliveries`),
  ]);
  const rule = ruleRes?.rule ?? null;
  const events = eventsRes?.events ?? [];
  const deliveries = deliveriesRes?.deliveries ?? [];

  title.textContent = `Alert #${a.id}: ${a.ruleName}`;
  document.title = `Alert #${a.id}: ${a.ruleName} · Brinkwatch`;
  crumb.textContent = `alert #${a.id}`;
  subtitle.replaceChildren(
    el('span', { class: `badge severity-${a.severity}` }, a.severity),
    ' ',
    el('span', { class: 'badge state', id: 'story-state' }, a.acknowledged ? 'acknowledged' : a.state),
    ` ${a.window} ${a.metric} of `,
    a.scope === 'global' ? 'everything (global)' : scopeLink(a.scope, a.scope),
    ` · value ${fmt(a.value)}, peak ${fmt(a.peakValue)}, threshold ${a.threshold}`,
  );

  const ruleText = rule
    ? `Fires when the ${rule.window} ${rule.metric} of ${rule.scope} is at least ${rule.threshold} for ${rule.forSeconds} s (with at least ${rule.minStatements} statements), recovers below ${rule.recoverBelow}; repeats ${rule.repeatSeconds ? `every ${rule.repeatSeconds} s` : 'never'}; severity ${rule.severity}; channels: ${rule.channels.map((c) => c.type).join(', ')}${rule.enabled ? '' : '; disabled'}.`
    : `The rule (#${a.ruleId}) has been deleted; the alert kept its threshold ${a.threshold} on the ${a.window} ${a.metric}.`;
  const times = [`started ${formatDateTime(a.startedAt)}`];
  if (a.firedAt) times.push(`fired ${formatDateTime(a.firedAt)}`);
  if (a.resolvedAt) times.push(`${a.state === 'cancelled' ? 'cancelled' : 'resolved'} ${formatDateTime(a.resolvedAt)}`);
  if (a.ack) times.push(`acknowledged ${formatDateTime(a.ack.at)}${a.ack.by ? ` by ${a.ack.by}` : ''}: ${a.ack.reason}`);
  main.append(el('section', { class: 'panel', id: 'story-rule' }, el('h2', {}, 'The rule'), el('p', {}, ruleText), el('p', { class: 'muted' }, times.join(' · '))));

  const windowMs = parseWindowMs(a.window);
  const chartTitle = el('h2', { id: 'chart-title' }, `The ${a.window} ${a.metric} over time, threshold ${a.threshold}`);
  const chartPanel = el('section', { class: 'panel chart-panel', id: 'chart-panel' }, el('div', { class: 'panel-head' }, chartTitle, el('span', { class: 'chart-controls' }, createZoneSwitch())));
  main.append(chartPanel);
  const chart = createDrillChart(chartPanel, {
    label: `${a.window} ${a.metric} of ${a.scope} around the alert`,
    onlyRule: a.ruleId,
    yExtra: [a.threshold],
    onZoom: (from, to) => void draw(from, to),
  });
  const metric = a.metric === 'max' || a.metric === 'count' ? a.metric : 'index';
  const draw = (from: number, to: number) => chart.draw({ range: 'custom', scope: a.scope, from, to, window: a.window, step: storyStep(from, to, windowMs), metric });
  const range = storyRange(a, windowMs, Date.now());
  onZoneChange(() => void draw(Number(chartPanel.dataset.from) || range.from, Number(chartPanel.dataset.to) || range.to));

  // The statements that made it fire: the top statements the fired transition recorded.
  const fired = events.find((e) => e.kind === 'firing') ?? events.find((e) => e.topStatements.length > 0);
  const firedList = el('ol', { class: 'statements', id: 'story-statements' });
  main.append(
    el(
      'section',
      { class: 'panel feed-panel' },
      el('h2', {}, 'Statements that made it fire'),
      el('p', { class: 'muted' }, fired ? `The highest-scoring statements in the ${fired.window} window when it ${fired.kind === 'firing' ? 'fired' : `went ${fired.kind}`} (${formatDateTime(fired.at)}), ${fired.count} statements in that window.` : 'No transition recorded statements.'),
      firedList,
    ),
  );
  const statements = (await Promise.all((fired?.topStatements ?? []).map((t) => get<{ statement: StatementView }>(`/api/statements/${t.id}`)))).flatMap((r) => (r ? [r.statement] : []));
  renderStatementList(firedList, statements, 'None recorded.');

  const eventRows = events.map((e) =>
    el(
      'tr',
      { 'data-kind': e.kind },
      el('td', {}, timeElement(e.at, { seconds: true })),
      el('td', {}, e.kind),
      el('td', {}, `${e.fromState ?? '–'} → ${e.toState}`),
      el('td', {}, fmt(e.value)),
      el('td', {}, String(e.count)),
      el('td', {}, e.note ?? ''),
    ),
  );
  main.append(
    el(
      'section',
      { class: 'panel', id: 'story-events' },
      el('h2', {}, `Transitions (${events.length})`),
      el('table', { class: 'story-table' }, el('thead', {}, el('tr', {}, ...['time', 'event', 'state', 'value', 'statements', 'note'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...eventRows)),
    ),
  );
  const deliveryRows = deliveries.map((d) =>
    el(
      'tr',
      { 'data-status': d.status },
      el('td', {}, d.channel),
      el('td', {}, d.target),
      el('td', {}, el('strong', {}, d.status)),
      el('td', {}, String(d.attempts)),
      el('td', {}, d.deliveredAt ? timeElement(d.deliveredAt, { seconds: true }) : d.nextAttemptAt ? `next try ${formatDateTime(d.nextAttemptAt)}` : '–'),
      el('td', {}, d.lastError ?? ''),
    ),
  );
  main.append(
    el(
      'section',
      { class: 'panel', id: 'story-deliveries' },
      el('h2', {}, `Deliveries (${deliveries.length})`),
      deliveries.length === 0
        ? el('p', { class: 'muted' }, 'No webhook or e-mail deliveries: this rule notifies the dashboard only.')
        : el('table', { class: 'story-table' }, el('thead', {}, el('tr', {}, ...['channel', 'to', 'status', 'attempts', 'delivered', 'last error'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...deliveryRows)),
    ),
  );
  await draw(range.from, range.to);
  main.removeAttribute('aria-busy');
  title.focus();
}
