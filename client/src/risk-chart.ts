import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, ScatterController, TimeScale, Tooltip } from 'chart.js';
import 'chartjs-adapter-date-fns';

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

/**
 * The global risk index over time: a line for the rolling 1 h index (the number on the card,
 * sampled every 5 minutes; gaps where a window has too few statements) and a dot for the highest
 * score of each minute. The canvas carries data-points, data-minutes and data-last so a test, or
 * a curious user in devtools, can see what is drawn without reading pixels.
 */
export function createRiskChart(canvas: HTMLCanvasElement) {
  const chart = new Chart<'line', ChartPoint[]>(canvas, {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Risk index (rolling 1 h)',
          data: [],
          borderColor: '#f0883e',
          backgroundColor: 'rgba(240, 136, 62, 0.15)',
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
          borderColor: 'rgba(248, 81, 73, 0.7)',
          backgroundColor: 'rgba(248, 81, 73, 0.45)',
          pointRadius: 2.5,
          showLine: false,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'time', time: { unit: 'hour', tooltipFormat: 'PPpp' }, ticks: { color: '#8b98a5' }, grid: { color: '#26313d' } },
        y: { min: 0, max: 100, ticks: { color: '#8b98a5' }, grid: { color: '#26313d' } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            afterLabel: (item) => {
              const n = (item.raw as ChartPoint).count;
              return n === undefined ? '' : `${n} statement(s)`;
            },
          },
        },
      },
    },
  });

  return {
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
    },
  };
}
