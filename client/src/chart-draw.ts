/**
 * One risk chart on a drill-down page: a canvas in a box, its extras, and draw(view) reading the
 * rolling line and the dots for the view (as the dashboard does) and marking the panel with the
 * range shown (data-from, data-to, data-scope) for tests and exports.
 */
import { attachChartExtras } from './chart-extras.ts';
import { dotsQuery, rollingQuery, scopeLabel, specOf, type ChartView } from './chart-view.ts';
import { el } from './dom.ts';
import { createRiskChart, type HistoryPoint, type RollingPoint } from './risk-chart.ts';

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function createDrillChart(panel: HTMLElement, opts: { onZoom: (from: number, to: number) => void; onlyRule?: number; label: string; yExtra?: number[] }) {
  const canvas = el('canvas', { id: 'risk-chart', role: 'img', 'aria-label': opts.label });
  const box = el('div', { class: 'chart-box' }, canvas);
  panel.append(box);
  const chart = createRiskChart(canvas);
  const extras = attachChartExtras({
    chart: chart.chart,
    box,
    scopeText: scopeLabel,
    rangeText: (v) => (v.range === 'custom' ? 'chosen range' : specOf(v).label),
    onZoom: opts.onZoom,
    onlyRule: opts.onlyRule,
  });
  let seq = 0;
  return {
    async draw(view: ChartView): Promise<{ from: number; to: number } | null> {
      const mine = ++seq;
      const spec = specOf(view);
      const rolling = await json<{ from: string; to: string; points: RollingPoint[] }>(rollingQuery(view));
      const from = Date.parse(rolling.from);
      const to = Date.parse(rolling.to);
      const dots = await json<{ points: HistoryPoint[] }>(dotsQuery(view, from, to));
      if (mine !== seq) return null;
      // The alert story draws its rule's metric: the window's highest score or count instead of its index.
      const metric = view.metric ?? 'index';
      const line = metric === 'index' ? rolling.points : rolling.points.map((p) => ({ ...p, index: metric === 'count' ? p.count : p.maxScore }));
      chart.update(line, dots.points, { from, to: to + 60_000, unit: spec.unit, window: spec.window });
      if (metric === 'count') {
        const y = chart.chart.options.scales!.y!;
        y.max = Math.max(10, ...line.map((p) => p.index ?? 0), ...(opts.yExtra ?? [])) * 1.1;
        chart.chart.update('none');
      }
      panel.dataset.from = String(from);
      panel.dataset.to = String(to);
      panel.dataset.scope = view.scope;
      await extras.drawn({ view, from, to, rolling: rolling.points, dots: dots.points });
      return { from, to };
    },
  };
}
