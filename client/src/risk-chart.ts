import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, ScatterController, TimeScale, Tooltip } from 'chart.js';
import 'chartjs-adapter-date-fns';
import { el } from './dom.ts';
import { LEVEL_SHAPES, levelOf, resolvedLevelColors } from './level-style.ts';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, TimeScale, Tooltip, Filler);

export interface HistoryPoint {
  t: string;
  index: number | null;
  count: number;
  maxScore: number;
}

export interface RollingPoint {
  t: string;
  index: number | null;
  count: number;
  maxScore: number | null;
  enoughData: boolean;
}

interface ChartPoint {
  x: number;
  y: number;
  count?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A time in the browser's own zone, e.g. 2026-05-01 14:35 (no locale guessing: the same on every machine). */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The chart's line as a table, for screen readers (the canvas is an image to them) and for
 * anyone who wants the exact numbers: one row per point, its time in the browser's zone (the
 * UTC instant in data-t), the index or "not enough data", the statement count and the highest
 * score of the window.
 */
function createPointsTable(canvas: HTMLCanvasElement) {
  const caption = el('caption');
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'chart-points', id: 'chart-points' },
    caption,
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'window ending'), el('th', { scope: 'col' }, 'index'), el('th', { scope: 'col' }, 'statements'), el('th', { scope: 'col' }, 'highest score'))),
    body,
  );
  // Visually hidden, still read out (set through the CSSOM, which the page's CSP allows).
  Object.assign(table.style, { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' });
  canvas.after(table);
  return (points: RollingPoint[], window: string) => {
    caption.textContent = `Risk index, rolling ${window}, at each point in time`;
    body.replaceChildren(
      ...points.map((p) =>
        el(
          'tr',
          { 'data-t': p.t },
          el('td', {}, localTime(Date.parse(p.t))),
          el('td', {}, p.index === null ? 'not enough data' : p.index.toFixed(1)),
          el('td', {}, String(p.count)),
          el('td', {}, p.maxScore === null ? '–' : String(p.maxScore)),
        ),
      ),
    );
  };
}

/**
 * The global risk index over time: a line for the rolling 1 h index (the number on the card,
 * sampled every 5 minutes; gaps where a window has too few statements) and a dot for the highest
 * score of each minute. The canvas carries data-points, data-minutes, data-last and data-last-t
 * and is followed by a hidden table of the line's points, so a test, a screen reader or a
 * curious user can see what is drawn without reading pixels.
 */
export function createRiskChart(canvas: HTMLCanvasElement) {
  const renderTable = createPointsTable(canvas);
  // Colours come from the theme's custom properties; each dot also has its level's shape.
  let colors = resolvedLevelColors();
  const levelOfPoint = (raw: unknown) => levelOf((raw as ChartPoint | undefined)?.y ?? 0);
  const chart = new Chart<'line', ChartPoint[]>(canvas, {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Risk index (rolling 1 h)',
          data: [],
          borderColor: () => colors.line,
          backgroundColor: 'rgba(128, 128, 128, 0.12)',
          fill: true,
          pointRadius: 0,
          borderWidth: 2,
          tension: 0.3,
          spanGaps: false,
        },
        {
          label: 'Highest score in the minute',
          data: [],
          type: 'scatter' as 'line',
          borderColor: (ctx) => colors[levelOfPoint(ctx.raw)],
          backgroundColor: (ctx) => colors[levelOfPoint(ctx.raw)],
          pointStyle: (ctx) => LEVEL_SHAPES[levelOfPoint(ctx.raw)].pointStyle,
          pointRadius: 4,
          pointBorderWidth: 1.5,
          showLine: false,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'time', time: { unit: 'hour', tooltipFormat: 'PPpp' }, ticks: { color: () => colors.muted }, grid: { color: () => colors.grid } },
        y: { min: 0, max: 100, ticks: { color: () => colors.muted }, grid: { color: () => colors.grid } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            afterLabel: (item) => {
              const n = (item.raw as ChartPoint).count;
              const level = item.datasetIndex === 1 ? ` · ${levelOfPoint(item.raw)}` : '';
              return n === undefined ? '' : `${n} statement(s)${level}`;
            },
          },
        },
      },
    },
  });

  return {
    /** Re-reads the theme's colours (after a theme switch) and redraws. */
    recolor() {
      colors = resolvedLevelColors();
      chart.update();
    },
    update(
      rolling: RollingPoint[],
      minutes: HistoryPoint[],
      range: { from: number; to: number; unit?: 'hour' | 'day'; window?: string },
    ) {
      chart.data.datasets[0]!.label = `Risk index (rolling ${range.window ?? '1h'})`;
      chart.data.datasets[1]!.label = range.unit === 'day' ? 'Highest score in the hour' : 'Highest score in the minute';
      // null y breaks the line where a window has too few statements.
      chart.data.datasets[0]!.data = rolling.map((p) => ({ x: Date.parse(p.t), y: p.index as number, count: p.count }));
      chart.data.datasets[1]!.data = minutes.map((p) => ({ x: Date.parse(p.t), y: p.maxScore, count: p.count }));
      const x = chart.options.scales!.x!;
      x.min = range.from;
      x.max = range.to;
      if (x.type === 'time' && x.time) x.time.unit = range.unit ?? 'hour';
      chart.update();
      const withIndex = rolling.filter((p) => p.index !== null);
      const last = rolling[rolling.length - 1];
      canvas.dataset.points = String(withIndex.length);
      canvas.dataset.minutes = String(minutes.length);
      canvas.dataset.last = last && last.index !== null ? String(last.index) : '';
      canvas.dataset.lastT = last?.t ?? '';
      canvas.dataset.window = range.window ?? '1h';
      renderTable(rolling, range.window ?? '1h');
    },
    /** The chart.js instance, for the overlays, gestures and zone (chart-extras.ts). */
    chart: chart as unknown as Chart,
  };
}
