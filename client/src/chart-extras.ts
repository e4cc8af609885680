/**
 * Everything the risk chart carries besides its line and dots, for the dashboard and the
 * drill-down pages alike: the legend, alert thresholds, firing periods and annotations
 * (chart-overlays.ts), a note on the chart when the scope has too little data, a click on a
 * point listing its bucket's statements, drag-to-zoom, and times in the chosen zone.
 */
import type { Chart } from 'chart.js';
import { createAnnotationsBox } from './annotations.ts';
import { createBucketPanel, dotBucket, lineBucket } from './bucket-statements.ts';
import { loadOverlays } from './chart-context.ts';
import { enableChartGestures, followZone, renderLegend, setOverlays, type Overlays } from './chart-overlays.ts';
import { specOf, type ChartView } from './chart-view.ts';
import { el } from './dom.ts';
import type { HistoryPoint, RollingPoint } from './risk-chart.ts';
import { parseWindowMs } from './window-ms.ts';

export interface DrawnView {
  view: ChartView;
  from: number;
  to: number;
  rolling: RollingPoint[];
  dots: HistoryPoint[];
}

export function attachChartExtras(opts: {
  chart: Chart;
  box: HTMLElement;
  scopeText: (scope: string) => string;
  rangeText: (view: ChartView) => string;
  onZoom: (from: number, to: number) => void;
  /** Draws only this rule's threshold and firing periods (the alert story). */
  onlyRule?: number;
}) {
  const note = el('p', { class: 'chart-note', id: 'chart-note', role: 'status', hidden: '' });
  opts.box.append(note);
  const legend = el('ul', { class: 'chart-legend', id: 'chart-legend', 'aria-label': 'Chart legend' });
  opts.box.after(legend);
  const bucket = createBucketPanel(legend);
  let drawn: DrawnView | null = null;
  const annotations = createAnnotationsBox({ scope: () => drawn?.view.scope ?? 'global', onChanged: () => void refreshOverlays() });
  legend.after(annotations.element);

  enableChartGestures(opts.chart, {
    onZoom: (from, to) => opts.onZoom(from, to),
    onPick: (datasetIndex, x) => {
      if (!drawn) return;
      const spec = specOf(drawn.view);
      const b = datasetIndex === 1 ? dotBucket(x, spec.dots) : lineBucket(x, parseWindowMs(spec.window), spec.window);
      annotations.setTime(x);
      void bucket.show(drawn.view.scope, b, opts.scopeText(drawn.view.scope));
    },
  });

  // The live dashboard redraws up to once a second: the rules, alerts and annotations of an
  // unchanged view are re-read at most every 15 s, and at once when an alert or annotation changes.
  let cached: { key: string; at: number; o: Overlays } | null = null;
  async function refreshOverlays(force = true): Promise<void> {
    if (!drawn) return;
    const d = drawn;
    const key = `${d.view.scope}|${d.view.range}|${d.view.range === 'custom' ? `${d.from}|${d.to}` : ''}`;
    let o: Overlays = { thresholds: [], firing: [], annotations: [] };
    if (!force && cached && cached.key === key && Date.now() - cached.at < 15_000) {
      o = cached.o;
    } else {
      try {
        o = await loadOverlays(d.view.scope, d.from, d.to + 60_000, opts.onlyRule);
        cached = { key, at: Date.now(), o };
      } catch (err) {
        console.warn('could not read thresholds and annotations', err);
      }
    }
    if (drawn !== d) return;
    setOverlays(opts.chart, o);
    const spec = specOf(d.view);
    renderLegend(legend, o, {
      line: `${{ index: 'risk index', max: 'highest score', count: 'statement count' }[d.view.metric ?? 'index']}, rolling ${spec.window}`,
      dots: spec.dots === 'hour' ? 'highest score in each hour' : 'highest score in each minute',
    });
    annotations.render(o.annotations);
  }

  return {
    /** After the chart has drawn a view: zone, little-data note, overlays and legend. */
    async drawn(d: DrawnView): Promise<void> {
      drawn = d;
      followZone(opts.chart, specOf(d.view).unit, d.to - d.from);
      const withIndex = d.rolling.some((p) => p.index !== null);
      const total = d.dots.reduce((n, p) => n + p.count, 0);
      note.hidden = withIndex;
      if (!withIndex) {
        const spec = specOf(d.view);
        note.textContent =
          total === 0
            ? `No scored statements for ${opts.scopeText(d.view.scope)} in the ${opts.rangeText(d.view)}.`
            : `Too little data for an index: ${total} statement${total === 1 ? '' : 's'} for ${opts.scopeText(d.view.scope)} in the ${opts.rangeText(d.view)}, and no ${spec.window} window holds the 3 an index needs. The dots show each statement's score.`;
      }
      opts.box.dataset.littleData = String(!withIndex);
      // Where the plot is on the canvas and what its axes span (CSS pixels, unix ms, 0-100):
      // tests click a point from its time and value without reading pixels.
      const area = opts.chart.chartArea;
      const x = opts.chart.scales.x!;
      const y = opts.chart.scales.y!;
      opts.chart.canvas.dataset.area = [area.left, area.top, area.right, area.bottom, x.min, x.max, y.min, y.max].map((n) => Math.round(Number(n))).join(',');
      await refreshOverlays(false);
    },
    /** Re-reads thresholds, firing periods and annotations now (after an alert or annotation changed). */
    refreshOverlays: () => refreshOverlays(true),
  };
}
