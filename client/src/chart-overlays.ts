/**
 * What the risk chart draws over its line and dots: alert thresholds (dashed horizontal lines),
 * the periods an alert fired (shaded bands), analysts' annotations (vertical lines with their
 * note) and, while the mouse drags, the range about to be zoomed into. One chart.js plugin
 * registered once; each chart's overlays live in a WeakMap set by setOverlays(). A legend in the
 * page (not on the canvas) names every series and overlay, so it is text a reader can find.
 */
import { Chart, type Plugin } from 'chart.js';
import { el } from './dom.ts';
import { formatDateTime, formatTick, zoneName } from './time-zone.ts';

export interface Threshold {
  value: number;
  label: string;
}
export interface FiringPeriod {
  from: number;
  /** null: still firing. */
  to: number | null;
  label: string;
}
export interface ChartAnnotation {
  id: number;
  at: number;
  note: string;
}
export interface Overlays {
  thresholds: Threshold[];
  firing: FiringPeriod[];
  annotations: ChartAnnotation[];
}

interface State extends Overlays {
  drag: { x0: number; x1: number } | null;
}

const states = new WeakMap<Chart, State>();
const empty = (): State => ({ thresholds: [], firing: [], annotations: [], drag: null });

const overlayPlugin: Plugin = {
  id: 'brinkwatchOverlays',
  beforeDatasetsDraw(chart) {
    const s = states.get(chart);
    if (!s) return;
    const { ctx, chartArea: a, scales } = chart;
    const x = scales.x!;
    const y = scales.y!;
    ctx.save();
    ctx.fillStyle = 'rgba(248, 81, 73, 0.13)';
    for (const f of s.firing) {
      const x0 = Math.max(a.left, x.getPixelForValue(f.from));
      const x1 = Math.min(a.right, x.getPixelForValue(f.to ?? Number(x.max)));
      if (x1 > x0) ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
    }
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#d29922';
    ctx.fillStyle = '#d29922';
    ctx.font = '11px system-ui, sans-serif';
    for (const t of s.thresholds) {
      const py = y.getPixelForValue(t.value);
      if (py < a.top || py > a.bottom) continue;
      ctx.beginPath();
      ctx.moveTo(a.left, py);
      ctx.lineTo(a.right, py);
      ctx.stroke();
      ctx.fillText(t.label, a.left + 4, py - 3);
    }
    ctx.setLineDash([2, 3]);
    ctx.strokeStyle = '#58a6ff';
    ctx.fillStyle = '#58a6ff';
    for (const n of s.annotations) {
      const px = x.getPixelForValue(n.at);
      if (px < a.left || px > a.right) continue;
      ctx.beginPath();
      ctx.moveTo(px, a.top);
      ctx.lineTo(px, a.bottom);
      ctx.stroke();
      const label = n.note.length > 28 ? `${n.note.slice(0, 27)}…` : n.note;
      const w = ctx.measureText(label).width;
      // Right of the line, or left of it when it would run past the plot.
      ctx.fillText(label, px + 3 + w > a.right ? Math.max(a.left, px - 3 - w) : px + 3, a.top + 12);
    }
    if (s.drag) {
      ctx.setLineDash([]);
      ctx.fillStyle = 'rgba(88, 166, 255, 0.18)';
      const x0 = Math.max(a.left, Math.min(s.drag.x0, s.drag.x1));
      const x1 = Math.min(a.right, Math.max(s.drag.x0, s.drag.x1));
      ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
    }
    ctx.restore();
  },
};
Chart.register(overlayPlugin);

export function setOverlays(chart: Chart, o: Overlays): void {
  const s = states.get(chart) ?? empty();
  states.set(chart, { ...s, ...o });
  chart.update('none');
}

/**
 * Time ticks and tooltips in the locale and the chosen zone (local or UTC), the zone named in
 * the axis title; call again after the zone or the unit changes.
 */
export function followZone(chart: Chart, unit: 'hour' | 'day', spanMs = Infinity): void {
  const x = chart.options.scales!.x! as { ticks?: { callback?: unknown }; title?: unknown; time?: { unit?: string; stepSize?: number } };
  // Ranges of a few hours get ticks every 5 or 15 minutes instead of one or two hour ticks.
  if (x.time) {
    x.time.stepSize = spanMs <= 3_600_000 ? 5 : spanMs <= 3 * 3_600_000 ? 15 : undefined;
    if (spanMs <= 3 * 3_600_000) x.time.unit = 'minute';
  }
  x.ticks = { ...(x.ticks ?? {}), callback: (v: string | number) => formatTick(Number(v), unit) };
  x.title = { display: true, text: `time (${zoneName()})`, color: '#8b98a5' };
  const tooltip = chart.options.plugins!.tooltip!;
  tooltip.callbacks = { ...(tooltip.callbacks ?? {}), title: (items) => (items[0] ? formatDateTime(Number((items[0].raw as { x: number }).x)) : '') };
  chart.update('none');
}

/**
 * Drag across the chart (mouse, pen or finger: pointer events) to zoom into that range (at least
 * 2 minutes of it), or click or tap a point to open its bucket. The drag is drawn as a band while
 * the pointer is down; leaving the chart or a cancelled touch drops it.
 */
export function enableChartGestures(
  chart: Chart,
  handlers: { onZoom: (from: number, to: number) => void; onPick: (datasetIndex: number, x: number) => void },
): void {
  const canvas = chart.canvas;
  const state = () => {
    const s = states.get(chart) ?? empty();
    states.set(chart, s);
    return s;
  };
  let down: number | null = null;
  const xOf = (e: MouseEvent) => e.clientX - canvas.getBoundingClientRect().left;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    down = xOf(e);
    canvas.setPointerCapture?.(e.pointerId);
    state().drag = null;
  });
  canvas.addEventListener('pointermove', (e) => {
    if (down === null) return;
    if (Math.abs(xOf(e) - down) < 6 && state().drag === null) return;
    state().drag = { x0: down, x1: xOf(e) };
    chart.update('none');
  });
  const finish = (e: MouseEvent) => {
    if (down === null) return;
    const x0 = down;
    down = null;
    const drag = state().drag;
    state().drag = null;
    const scale = chart.scales.x!;
    if (drag && Math.abs(drag.x1 - x0) >= 6) {
      chart.update('none');
      const a = scale.getValueForPixel(Math.min(x0, drag.x1))!;
      const b = scale.getValueForPixel(Math.max(x0, drag.x1))!;
      if (b - a >= 120_000) handlers.onZoom(Math.round(a), Math.round(b));
      return;
    }
    const hit = chart.getElementsAtEventForMode(e, 'nearest', { intersect: false }, false)[0];
    if (!hit) return;
    const raw = chart.data.datasets[hit.datasetIndex]!.data[hit.index] as { x: number } | undefined;
    if (raw) handlers.onPick(hit.datasetIndex, raw.x);
  };
  canvas.addEventListener('pointerup', finish);

  // By keyboard: Tab to the chart, Left/Right (Home/End) to move between the dots, shown with
  // their tooltip; Enter or Space lists the statements of that dot's bucket.
  canvas.tabIndex = 0;
  let active = -1;
  canvas.addEventListener('keydown', (e) => {
    const dots = (chart.data.datasets[1]?.data ?? []) as Array<{ x: number; y: number }>;
    if (dots.length === 0) return;
    if (e.key === 'Enter' || e.key === ' ') {
      if (active >= 0 && active < dots.length) handlers.onPick(1, dots[active]!.x);
    } else {
      const next = e.key === 'ArrowRight' ? active + 1 : e.key === 'ArrowLeft' ? (active < 0 ? dots.length - 1 : active - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? dots.length - 1 : null;
      if (next === null) return;
      active = Math.max(0, Math.min(dots.length - 1, next));
      const el = [{ datasetIndex: 1, index: active }];
      chart.setActiveElements(el);
      chart.tooltip?.setActiveElements(el, { x: 0, y: 0 });
      chart.update('none');
      canvas.dataset.activeT = String(dots[active]!.x);
    }
    e.preventDefault();
  });
  canvas.addEventListener('blur', () => {
    active = -1;
    chart.setActiveElements([]);
    chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    chart.update('none');
  });
  canvas.addEventListener('pointercancel', () => {
    if (down === null) return;
    down = null;
    state().drag = null;
    chart.update('none');
  });
  canvas.style.cursor = 'crosshair';
  // A horizontal drag on a touch screen zooms instead of scrolling the page sideways.
  canvas.style.touchAction = 'pan-y';
}

/** The legend under the chart: one entry per series and overlay actually drawn. */
export function renderLegend(box: HTMLElement, o: Overlays, series: { line: string; dots: string }): void {
  const item = (kind: string, text: string) => el('li', { class: `legend-item legend-${kind}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), text);
  const items = [item('line', series.line), item('dots', series.dots)];
  for (const t of o.thresholds) items.push(item('threshold', `threshold: ${t.label}`));
  if (o.firing.length > 0) items.push(item('firing', `alert firing (${o.firing.length} period${o.firing.length === 1 ? '' : 's'})`));
  for (const n of o.annotations) items.push(item('annotation', `${formatDateTime(n.at)}: ${n.note}`));
  box.replaceChildren(...items);
}
